using System.Diagnostics;

namespace NatsSharp.Server.Connections;

/// <summary>What /connz shows beyond the shared counters: the round-trip time of the server's PINGs.</summary>
internal sealed partial class ClientConnection
{
    private long _pingSentTimestamp;
    private long _rttTicks;

    /// <summary>The account this client lives in (its user's, from CONNECT on).</summary>
    public string AccountName => Volatile.Read(ref _account).Name;

    /// <summary>The last measured PING→PONG time; zero until the first PONG answers a server PING.</summary>
    public TimeSpan Rtt => TimeSpan.FromTicks(Volatile.Read(ref _rttTicks));

    private void StampPingSent() => Volatile.Write(ref _pingSentTimestamp, Stopwatch.GetTimestamp());

    private void MeasureRtt()
    {
        long sent = Interlocked.Exchange(ref _pingSentTimestamp, 0);
        if (sent != 0)
        {
            // Never zero once measured, as nats-server (a zero reads as "not measured").
            long ticks = Math.Max(1, Stopwatch.GetElapsedTime(sent).Ticks);
            Volatile.Write(ref _rttTicks, ticks);
        }
    }
}
