namespace NatsSharp.Server;

/// <summary>
/// Server-wide counters. Read loops add whole batches, never single messages, so the
/// shared cache lines are touched once per read rather than once per message.
/// </summary>
public sealed class ServerStats
{
    private long _inMsgs;
    private long _inBytes;
    private long _outMsgs;
    private long _outBytes;
    private long _slowConsumers;
    private long _slowRoutes;
    private long _slowLeafs;
    private long _totalConnections;

    public long InMsgs => Volatile.Read(ref _inMsgs);
    public long InBytes => Volatile.Read(ref _inBytes);
    public long OutMsgs => Volatile.Read(ref _outMsgs);
    public long OutBytes => Volatile.Read(ref _outBytes);
    /// <summary>Slow consumers of every kind (/varz <c>slow_consumers</c>, as nats-server counts them).</summary>
    public long SlowConsumers => Volatile.Read(ref _slowConsumers);

    /// <summary>Of <see cref="SlowConsumers"/>: the routes and the leafnodes.</summary>
    public long SlowRoutes => Volatile.Read(ref _slowRoutes);

    public long SlowLeafs => Volatile.Read(ref _slowLeafs);
    public long TotalConnections => Volatile.Read(ref _totalConnections);

    internal void AddIn(long msgs, long bytes)
    {
        Interlocked.Add(ref _inMsgs, msgs);
        Interlocked.Add(ref _inBytes, bytes);
    }

    internal void AddOut(long msgs, long bytes)
    {
        Interlocked.Add(ref _outMsgs, msgs);
        Interlocked.Add(ref _outBytes, bytes);
    }

    internal void AddSlowConsumer() => Interlocked.Increment(ref _slowConsumers);

    internal void AddSlowPeer(bool leaf)
    {
        Interlocked.Increment(ref leaf ? ref _slowLeafs : ref _slowRoutes);
        Interlocked.Increment(ref _slowConsumers);
    }

    internal void AddConnection() => Interlocked.Increment(ref _totalConnections);
}
