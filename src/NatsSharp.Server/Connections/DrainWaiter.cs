using System.Threading.Tasks.Sources;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A publisher's wait for a backlogged subscriber, allocating nothing per wait: resumes when the
/// subscriber's backlog task completes or after a timeout, whichever is first. One per publishing
/// connection (its <see cref="DeliveryBatch"/>), one wait at a time. A wake-up only means "look
/// again": a late timer or a backlog watched by an earlier wait may end a later wait early, so the
/// caller decides by the clock and the subscriber's counters, never by what woke it.
/// </summary>
internal sealed class DrainWaiter : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private readonly Action _onBacklogDone;
    private readonly Task?[] _watched = new Task?[4]; // backlogs this waiter is already a continuation of
    private int _nextWatch;
    private Timer? _timer;
    private int _armed; // 1 while a wait is pending: the first wake-up completes it

    public DrainWaiter() => _onBacklogDone = Wake;

    /// <summary>Until <paramref name="backlog"/> completes or <paramref name="timeoutMs"/> passes.</summary>
    public ValueTask WaitAsync(Task backlog, int timeoutMs)
    {
        if (backlog.IsCompleted)
        {
            return default;
        }

        _core.Reset();
        Volatile.Write(ref _armed, 1);
        if (Array.IndexOf(_watched, backlog) < 0)
        {
            // Once per backlog (it completes when the subscriber drains below half or closes): its
            // continuation list holds this waiter's one cached delegate, not one per wait.
            _watched[_nextWatch] = backlog;
            _nextWatch = (_nextWatch + 1) % _watched.Length;
            backlog.GetAwaiter().UnsafeOnCompleted(_onBacklogDone);
        }

        _timer ??= new Timer(static state => ((DrainWaiter)state!).Wake(), this, Timeout.Infinite, Timeout.Infinite);
        _timer.Change(Math.Max(1, timeoutMs), Timeout.Infinite);
        if (backlog.IsCompleted)
        {
            Wake(); // drained between the check and the registration on an older backlog
        }

        return new ValueTask(this, _core.Version);
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _core.SetResult(true);
        }
    }

    void IValueTaskSource.GetResult(short token)
    {
        _core.GetResult(token);
        for (int i = 0; i < _watched.Length; i++)
        {
            if (_watched[i] is { IsCompleted: true })
            {
                _watched[i] = null; // let a finished backlog go
            }
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
