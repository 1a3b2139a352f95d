namespace NatsSharp.Server.JetStream.Consumers;

/// <summary>A delivered, unacknowledged message: its last consumer sequence and when it is due for redelivery.</summary>
internal sealed class PendingMessage
{
    public ulong ConsumerSequence { get; set; }

    public long DeliveredNs { get; set; }

    public long DeadlineNs { get; set; }
}
