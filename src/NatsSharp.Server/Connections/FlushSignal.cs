using System.Threading.Tasks.Sources;

namespace NatsSharp.Server.Connections;

/// <summary>
/// An auto-reset signal with one waiter (the connection's write loop) that allocates
/// nothing per wait: publishers call <see cref="Set"/> once per read batch. The waiter
/// resumes on the thread pool, or with <see cref="TrySetInline"/> on the caller's thread.
/// </summary>
internal sealed class FlushSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Waiting = 1;
    private const int Signaled = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    public void Set()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Signaled)
            {
                return;
            }

            if (state == Idle)
            {
                if (Interlocked.CompareExchange(ref _state, Signaled, Idle) == Idle)
                {
                    return;
                }

                continue;
            }

            if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
            {
                _core.SetResult(true);
                return;
            }
        }
    }

    /// <summary>
    /// When the waiter is waiting, resumes it on this thread (it runs until its next await that
    /// does not complete at once, then this returns) and true; false (nothing done) otherwise.
    /// </summary>
    public bool TrySetInline()
    {
        if (Volatile.Read(ref _state) != Waiting || Interlocked.CompareExchange(ref _state, Idle, Waiting) != Waiting)
        {
            return false;
        }

        // Only the winner of Waiting -> Idle touches the core until the waiter waits again
        // (WaitAsync puts the flag back before it publishes Waiting).
        _core.RunContinuationsAsynchronously = false;
        _core.SetResult(true);
        return true;
    }

    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signaled) == Signaled)
        {
            return default;
        }

        _core.Reset();
        _core.RunContinuationsAsynchronously = true;
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) != Idle)
        {
            // Set() ran between the two exchanges.
            Volatile.Write(ref _state, Idle);
            return default;
        }

        return new ValueTask(this, _core.Version);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
