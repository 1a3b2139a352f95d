using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.JetStream;

/// <summary>
/// Opens a stream's store. <see cref="File"/> is where storage "file" comes from: until the file
/// store is wired in, it hands out a memory store (nothing survives a restart); swapping this one
/// delegate for <c>(dir, limits) =&gt; new FileStreamStore(dir, limits, options)</c> is the whole change.
/// </summary>
internal static class StreamStoreFactory
{
    /// <summary>Storage "file": (stream directory, limits) → store.</summary>
    public static Func<string, StreamStoreLimits, IStreamStore> File { get; } = static (_, limits) => new MemoryStreamStore(limits);

    /// <summary>Storage "memory".</summary>
    public static IStreamStore Memory(StreamStoreLimits limits) => new MemoryStreamStore(limits);
}
