namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// One consumer's durable state: what was delivered, what is acknowledged, what is pending and
/// how often each pending message was redelivered. Updates reach the OS at <see cref="Flush"/>, which
/// the consumer calls before it answers anyone, so a kill of the process loses no acknowledgement
/// that was confirmed.
/// </summary>
internal interface IConsumerStore : IDisposable
{
    /// <summary>The state recovered at open (empty for a new consumer).</summary>
    ConsumerState State { get; }

    /// <summary>
    /// How deliveries and acks change the state (nats-server's consumer store rules); set it from the
    /// consumer's config after open. Each logged update records the policy it was applied with.
    /// </summary>
    StoreAckPolicy AckPolicy { get; set; }

    /// <summary>A message was delivered (first time or redelivery: <paramref name="deliveryCount"/> &gt; 1).</summary>
    void UpdateDelivered(ulong consumerSequence, ulong streamSequence, ulong deliveryCount, long timestampNs);

    /// <summary>A message was acknowledged (AckExplicit; with AckAll every pending at or below it).</summary>
    void UpdateAcks(ulong consumerSequence, ulong streamSequence);

    /// <summary>
    /// Hands the updates buffered since the last call to the OS in one write. Updates are buffered
    /// (group commit) until this, or until any other member runs: the consumer calls it at the end
    /// of each piece of work, and before it answers anyone about what the updates record.
    /// </summary>
    void Flush();

    /// <summary>Replaces the whole state (a consumer reset, e.g. a purge moved the ack floor).</summary>
    void Replace(ConsumerState state);

    void WriteMetadata(ReadOnlySpan<byte> json);

    byte[]? ReadMetadata();

    /// <summary>Deletes the consumer's files; the store is unusable afterwards.</summary>
    void Delete();
}
