using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>
/// Shared bookkeeping for a set of subscriber connections: total deliveries, the moment the last expected
/// message arrived, and a wake-up signal the publisher's flow control waits on.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Receive threads may still signal it after Run returns; without its WaitHandle it holds no OS handle.")]
internal sealed class DeliveryTracker : IMessageSink
{
    private readonly List<NatsConnection> _subscribers = [];
    // One wake-up event per waiting thread: with several publishers (fanin) a shared event that each waiter
    // resets would swallow wake-ups meant for the others.
    private readonly ThreadLocal<ManualResetEventSlim> _progress;
    private readonly long _expectedTotal;
    private readonly bool _shared;
    private ManualResetEventSlim[] _waiters = [];
    private long _total;
    private long _published;
    private long _completedAt;
    private long _lastProgressAt;
    private volatile bool _anyClosed;

    /// <param name="expectedTotal">Deliveries summed over all subscribers that complete the run.</param>
    /// <param name="shared">True for a queue group: flow control looks at the sum, not the slowest member.</param>
    public DeliveryTracker(long expectedTotal, bool shared)
    {
        _expectedTotal = expectedTotal;
        _shared = shared;
        _lastProgressAt = Stopwatch.GetTimestamp();
        _progress = new ThreadLocal<ManualResetEventSlim>(Register);
    }

    public bool WantsMessages => false;

    public IReadOnlyList<NatsConnection> Subscribers => _subscribers;

    public long Total => Volatile.Read(ref _total);

    /// <summary>Stopwatch timestamp of the delivery that completed the run, or 0.</summary>
    public long CompletedAt => Volatile.Read(ref _completedAt);

    public long LastProgressAt => Volatile.Read(ref _lastProgressAt);

    /// <summary>How many published messages every consumer (fan-out) or the group (queue) has taken.</summary>
    public long Acknowledged
    {
        get
        {
            if (_shared)
            {
                return Total;
            }

            long min = long.MaxValue;
            foreach (NatsConnection sub in _subscribers)
            {
                min = Math.Min(min, sub.Received);
            }

            return min == long.MaxValue ? 0 : min;
        }
    }

    /// <summary>
    /// Counts <paramref name="count"/> more messages as published (by any publisher) and returns the new sum,
    /// the figure the flow control holds against <see cref="Acknowledged"/>.
    /// </summary>
    public long Reserve(long count) => Interlocked.Add(ref _published, count);

    /// <summary>Restarts the idle clock when publishing begins (setup time is not a stall).</summary>
    public void MarkStart() => Volatile.Write(ref _lastProgressAt, Stopwatch.GetTimestamp());

    public void Add(NatsConnection subscriber)
    {
        subscriber.Sink = this;
        _subscribers.Add(subscriber);
    }

    public void OnMessage(NatsConnection connection, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply)
    {
    }

    public void OnDelivered(NatsConnection connection, long count)
    {
        long total = Interlocked.Add(ref _total, count);
        long now = Stopwatch.GetTimestamp();
        Volatile.Write(ref _lastProgressAt, now);
        if (total >= _expectedTotal)
        {
            Interlocked.CompareExchange(ref _completedAt, now, 0);
        }

        Wake();
    }

    public void OnClosed(NatsConnection connection)
    {
        _anyClosed = true;
        Wake();
    }

    /// <summary>
    /// Blocks until <see cref="Acknowledged"/> reaches <paramref name="target"/>. Fails if a subscriber dropped,
    /// the deadline passed, or nothing arrived for <paramref name="idle"/> (the server stopped delivering).
    /// </summary>
    public void WaitForAcknowledged(long target, Deadline deadline, TimeSpan idle)
    {
        while (Acknowledged < target)
        {
            _progress.Value!.Reset();
            if (Acknowledged >= target)
            {
                return;
            }

            ThrowIfStalled(deadline, idle);
            _progress.Value!.Wait(20);
        }
    }

    /// <summary>Waits for every expected delivery; returns false (loss) instead of throwing when delivery stops.</summary>
    public bool WaitForCompletion(Deadline deadline, TimeSpan idle)
    {
        while (Total < _expectedTotal)
        {
            _progress.Value!.Reset();
            if (Total >= _expectedTotal)
            {
                break;
            }

            if (_anyClosed || deadline.IsExpired || IdleFor() > idle)
            {
                return false;
            }

            _progress.Value!.Wait(20);
        }

        return true;
    }

    /// <summary>Describes the first subscriber that closed or reported an error, if any.</summary>
    public string? FirstProblem()
    {
        foreach (NatsConnection sub in _subscribers)
        {
            if (sub.IsClosed || sub.Error is not null)
            {
                return $"{sub.Name}: " + (sub.IsClosed ? "connection closed by server" : "error") + (sub.Error is null ? "" : $" ({sub.Error})");
            }
        }

        return null;
    }

    private ManualResetEventSlim Register()
    {
        var wakeup = new ManualResetEventSlim(false, 0);
        lock (_subscribers)
        {
            _waiters = [.. _waiters, wakeup];
        }

        return wakeup;
    }

    private void Wake()
    {
        foreach (ManualResetEventSlim wakeup in Volatile.Read(ref _waiters))
        {
            wakeup.Set();
        }
    }

    private TimeSpan IdleFor() =>
        TimeSpan.FromSeconds((double)(Stopwatch.GetTimestamp() - LastProgressAt) / Stopwatch.Frequency);

    private void ThrowIfStalled(Deadline deadline, TimeSpan idle)
    {
        if (_anyClosed)
        {
            throw new LoadException("subscriber dropped during publishing: " + FirstProblem());
        }

        deadline.ThrowIfExpired("subscribers to catch up");
        if (IdleFor() > idle)
        {
            throw new LoadException($"subscribers stopped receiving for {idle.TotalSeconds:0.#}s while messages were in flight (received {Total})");
        }
    }
}
