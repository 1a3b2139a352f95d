namespace NatsSharp.Server.Tls;

/// <summary>
/// <c>tls.connection_rate_limit</c>: at most that many TLS handshakes start per one-second window
/// (nats-server's fixed window); the rest are refused before the handshake and counted for a
/// once-a-second warning.
/// </summary>
internal sealed class TlsRateLimiter
{
    private readonly Lock _lock = new();
    private readonly long _limit;
    private long _count;
    private long _windowEnd;
    private long _blocked;

    public TlsRateLimiter(long limit) => _limit = limit;

    public bool Allow()
    {
        long now = Environment.TickCount64;
        lock (_lock)
        {
            if (now > _windowEnd)
            {
                _count = 0;
                _windowEnd = now + 1000;
            }
            else
            {
                _count++;
            }

            bool allowed = _count < _limit;
            if (!allowed)
            {
                _blocked++;
            }

            return allowed;
        }
    }

    /// <summary>How many were refused since the last call.</summary>
    public long TakeBlocked()
    {
        lock (_lock)
        {
            long blocked = _blocked;
            _blocked = 0;
            return blocked;
        }
    }
}
