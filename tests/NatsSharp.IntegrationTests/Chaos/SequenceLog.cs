namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>Which numbered messages a subscriber received, how often: losses and duplicates at a glance.</summary>
public sealed class SequenceLog(int expected)
{
    private readonly int[] _seen = new int[expected];
    private int _received;

    public int Received => Volatile.Read(ref _received);

    private int _probes;
    private long _last;

    /// <summary>The longest wait between two consecutive messages (one reader records).</summary>
    public TimeSpan MaxGap { get; private set; }


    /// <summary>Probes (id -1) received: the subscriber's interest has reached the publisher's node.</summary>
    public int Probes => Volatile.Read(ref _probes);

    public void Record(int id)
    {
        if (id < 0)
        {
            Interlocked.Increment(ref _probes);
        }
        else if (id < _seen.Length)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_last != 0)
            {
                MaxGap = TimeSpan.FromTicks(Math.Max(MaxGap.Ticks, System.Diagnostics.Stopwatch.GetElapsedTime(_last, now).Ticks));
            }

            _last = now;
            Interlocked.Increment(ref _seen[id]);
            Interlocked.Increment(ref _received);
        }
    }

    public int Distinct => _seen.Count(n => n > 0);

    public int Duplicates => _seen.Sum(n => Math.Max(0, n - 1));

    /// <summary>The ids never received, first few, for the failure message.</summary>
    public string Missing(int upTo) =>
        $"{_seen.Take(upTo).Count(n => n == 0)} missing, first: {string.Join(",", Enumerable.Range(0, upTo).Where(i => _seen[i] == 0).Take(10))}";
}
