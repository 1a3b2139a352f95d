namespace NatsSharp.Server.Internal;

/// <summary>
/// Counts runs that have started and not ended (a client's connection, a monitoring request's connection), so a
/// shutdown can wait until none is left without a task or tracking entry per run.
/// </summary>
internal sealed class RunCounter
{
    private int _running;
    private TaskCompletionSource? _allEnded;

    public void Started() => Interlocked.Increment(ref _running);

    public void Ended()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            Volatile.Read(ref _allEnded)?.TrySetResult();
        }
    }

    /// <summary>Completes once no run is left (for shutdown).</summary>
    public Task AllEndedAsync()
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _allEnded, ended);
        if (Volatile.Read(ref _running) == 0)
        {
            ended.TrySetResult(); // none left, or the last ended before it could see the source
        }

        return ended.Task;
    }
}
