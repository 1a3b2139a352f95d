namespace NatsSharp.Server.Monitoring;

/// <summary>
/// What one monitoring connection may hold. nats-server's Go http.Server has no timeouts and allows 1 MB
/// of request head; ours is smaller and times out idle and slow peers (docs/compatibility.md), as Kestrel
/// did before it: a monitoring client sends a few hundred bytes and reads its answer at once.
/// </summary>
internal sealed record MonitorHttpLimits
{
    public static MonitorHttpLimits Default { get; } = new();

    /// <summary>The request line and headers together; beyond it 431, as nats-server past its limit.</summary>
    public int MaxHeadBytes { get; init; } = 64 * 1024;

    /// <summary>How long a connection may wait for its next request (Kestrel's keep-alive timeout).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>From the first byte of a request (or the TLS handshake) to the end of its head.</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long writing one response may take before the peer is given up.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
