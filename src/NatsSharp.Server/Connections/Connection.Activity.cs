using System.Diagnostics;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Last activity and the round trip of the server's PINGs, for monitoring; the same for clients,
/// routes and leafnodes.
/// </summary>
internal abstract partial class Connection
{
    private long _lastActivityTicks;
    private long _pingSentTimestamp;
    private long _rttTicks;

    /// <summary>The last measured PING→PONG time; zero until the first PONG answers one of our PINGs.</summary>
    public TimeSpan Rtt => TimeSpan.FromTicks(Volatile.Read(ref _rttTicks));

    /// <summary>Our PING is going out now.</summary>
    protected void StampPingSent() => Volatile.Write(ref _pingSentTimestamp, Stopwatch.GetTimestamp());

    /// <summary>A PONG arrived: the round trip of the PING it answers, if we timed one.</summary>
    protected void MeasureRtt()
    {
        long sent = Interlocked.Exchange(ref _pingSentTimestamp, 0);
        if (sent != 0)
        {
            // Never zero once measured, as nats-server (a zero reads as "not measured").
            Volatile.Write(ref _rttTicks, Math.Max(1, Stopwatch.GetElapsedTime(sent).Ticks));
        }
    }

    /// <summary>When the peer last sent anything (UTC); the start time until then.</summary>
    public DateTime LastActivity
    {
        get
        {
            long ticks = Volatile.Read(ref _lastActivityTicks);
            return ticks == 0 ? Started : new DateTime(ticks, DateTimeKind.Utc);
        }
    }

    /// <summary>Called once per socket read (never per message).</summary>
    internal void StampActivity()
    {
        Volatile.Write(ref _lastActivityTicks, DateTime.UtcNow.Ticks);
        IdleTrim.CountRead(); // no blocking collection while traffic flows
    }
}
