namespace NatsSharp.Server.Monitoring;

/// <summary>
/// What an account's closed client connections carried, so /accstatz keeps counting them after
/// they leave. Added to on close only: the message path never touches it.
/// </summary>
internal sealed class AccountTotals
{
    private long _inMsgs;
    private long _inBytes;
    private long _outMsgs;
    private long _outBytes;
    private long _slowConsumers;

    public long InMsgs => Interlocked.Read(ref _inMsgs);
    public long InBytes => Interlocked.Read(ref _inBytes);
    public long OutMsgs => Interlocked.Read(ref _outMsgs);
    public long OutBytes => Interlocked.Read(ref _outBytes);
    public long SlowConsumers => Interlocked.Read(ref _slowConsumers);

    public void Add(ClosedConnection closed)
    {
        Interlocked.Add(ref _inMsgs, closed.InMsgs);
        Interlocked.Add(ref _inBytes, closed.InBytes);
        Interlocked.Add(ref _outMsgs, closed.OutMsgs);
        Interlocked.Add(ref _outBytes, closed.OutBytes);
        if (closed.SlowConsumer)
        {
            Interlocked.Increment(ref _slowConsumers);
        }
    }
}
