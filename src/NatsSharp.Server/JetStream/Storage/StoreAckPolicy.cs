namespace NatsSharp.Server.JetStream.Storage;

/// <summary>The consumer's ack policy, as its store needs it to apply deliveries and acks (nats-server's rules).</summary>
internal enum StoreAckPolicy
{
    Explicit,
    All,
    None,
}
