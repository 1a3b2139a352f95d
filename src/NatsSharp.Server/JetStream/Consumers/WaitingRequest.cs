namespace NatsSharp.Server.JetStream.Consumers;

/// <summary>A pull request waiting for messages (nats-server's waitingRequest).</summary>
internal sealed class WaitingRequest
{
    public required string Reply { get; init; }

    /// <summary>Messages still wanted.</summary>
    public int Remaining { get; set; }

    /// <summary>Bytes still allowed (0 = no limit).</summary>
    public int MaxBytes { get; set; }

    public bool NoWait { get; init; }

    /// <summary>Unix ns, 0 = never.</summary>
    public long ExpiresNs { get; init; }

    public long HeartbeatNs { get; init; }

    public long NextHeartbeatNs { get; set; }

    public int Delivered { get; set; }
}
