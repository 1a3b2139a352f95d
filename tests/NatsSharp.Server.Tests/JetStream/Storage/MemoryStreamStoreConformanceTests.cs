using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>The same contract on the memory store (storage "memory"); a reopen keeps the same store.</summary>
public sealed class MemoryStreamStoreConformanceTests : StreamStoreConformanceTests
{
    internal override IStreamStore CreateStore(StreamStoreLimits? limits = null) =>
        Track(new MemoryStreamStore(limits ?? new StreamStoreLimits()));

    // nats-server's memstore counts subject + header + data + 16 bytes per message.
    internal override ulong StoredSize(string subject, int headerLength, int dataLength) => MemoryStreamStore.SizeOf(subject, headerLength, dataLength);
}
