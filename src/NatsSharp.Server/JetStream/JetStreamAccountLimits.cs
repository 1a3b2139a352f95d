namespace NatsSharp.Server.JetStream;

/// <summary>
/// An account's <c>jetstream { max_mem, max_file, max_streams, max_consumers, ... }</c> (nats-server's
/// JetStreamAccountLimits); -1 = unlimited. <c>jetstream: enabled</c> gives all of them -1.
/// </summary>
public sealed class JetStreamAccountLimits
{
    public long MaxMemory { get; set; } = -1;

    public long MaxStore { get; set; } = -1;

    public int MaxStreams { get; set; } = -1;

    public int MaxConsumers { get; set; } = -1;

    public int MaxAckPending { get; set; } = -1;

    public long MemoryMaxStreamBytes { get; set; } = -1;

    public long StoreMaxStreamBytes { get; set; } = -1;

    public bool MaxBytesRequired { get; set; }
}
