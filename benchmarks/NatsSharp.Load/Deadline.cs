using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>A point in time (Stopwatch ticks) after which a run gives up instead of hanging.</summary>
internal readonly struct Deadline
{
    private readonly long _endTicks;

    private Deadline(long endTicks) => _endTicks = endTicks;

    public static Deadline After(TimeSpan span) =>
        new(Stopwatch.GetTimestamp() + (long)(span.TotalSeconds * Stopwatch.Frequency));

    public bool IsExpired => Stopwatch.GetTimestamp() >= _endTicks;

    public TimeSpan Remaining
    {
        get
        {
            long left = _endTicks - Stopwatch.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / Stopwatch.Frequency);
        }
    }

    /// <summary>Throws a <see cref="LoadException"/> naming what we were waiting for once the deadline passed.</summary>
    public void ThrowIfExpired(string waitingFor)
    {
        if (IsExpired)
        {
            throw new LoadException($"timed out waiting for {waitingFor}");
        }
    }
}
