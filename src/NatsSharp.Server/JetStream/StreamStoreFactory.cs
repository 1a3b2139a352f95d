using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.JetStream;

/// <summary>Opens a stream's store: storage "file" on the file store in the stream's directory, "memory" in memory.</summary>
internal static class StreamStoreFactory
{
    /// <summary>
    /// Storage "file": (stream directory, limits) → store. Data a crash tore or corrupted is cut at
    /// open and reported as a warning with what was lost; the stream still starts.
    /// </summary>
    public static Func<string, StreamStoreLimits, IStreamStore> File(ServerLog log) =>
        (directory, limits) => new FileStreamStore(directory, limits, new FileStoreOptions(), loss => log.Warn(
            $"JetStream store {directory}: {loss.Reason} in {loss.File} at offset {loss.Offset}, {loss.BytesLost} bytes lost (last good sequence {loss.LastGoodSequence})"));

    /// <summary>Storage "memory".</summary>
    public static IStreamStore Memory(StreamStoreLimits limits) => new MemoryStreamStore(limits);
}
