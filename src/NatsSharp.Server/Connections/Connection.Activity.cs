namespace NatsSharp.Server.Connections;

/// <summary>Last activity for monitoring, stamped once per read by each kind of connection.</summary>
internal abstract partial class Connection
{
    private long _lastActivityTicks;

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
    internal void StampActivity() => Volatile.Write(ref _lastActivityTicks, DateTime.UtcNow.Ticks);
}
