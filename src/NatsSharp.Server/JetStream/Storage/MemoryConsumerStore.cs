namespace NatsSharp.Server.JetStream.Storage;

/// <summary>A consumer's state in memory (memory streams, and consumers with <c>mem_storage</c>): nothing survives a restart.</summary>
internal sealed class MemoryConsumerStore : IConsumerStore
{
    private readonly Lock _lock = new();
    private byte[]? _metadata;

    public ConsumerState State { get; } = new();

    public StoreAckPolicy AckPolicy { get; set; }

    public void UpdateDelivered(ulong consumerSequence, ulong streamSequence, ulong deliveryCount, long timestampNs)
    {
        lock (_lock)
        {
            ConsumerStateRules.ApplyDelivered(State, AckPolicy, consumerSequence, streamSequence, deliveryCount, timestampNs);
        }
    }

    public void UpdateAcks(ulong consumerSequence, ulong streamSequence)
    {
        lock (_lock)
        {
            ConsumerStateRules.ApplyAck(State, AckPolicy, consumerSequence, streamSequence);
        }
    }

    public void Flush()
    {
        // Nothing is buffered.
    }

    public void Replace(ConsumerState state)
    {
        lock (_lock)
        {
            State.Delivered = state.Delivered;
            State.AckFloor = state.AckFloor;
            State.Pending.Clear();
            State.Redelivered.Clear();
            foreach (KeyValuePair<ulong, PendingDelivery> p in state.Pending)
            {
                State.Pending[p.Key] = p.Value;
            }

            foreach (KeyValuePair<ulong, ulong> r in state.Redelivered)
            {
                State.Redelivered[r.Key] = r.Value;
            }
        }
    }

    public void WriteMetadata(ReadOnlySpan<byte> json) => _metadata = json.ToArray();

    public byte[]? ReadMetadata() => _metadata;

    public void Delete()
    {
    }

    public void Dispose()
    {
    }
}
