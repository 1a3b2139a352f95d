using System.Diagnostics;

namespace NatsSharp.Load;

/// <summary>Percentiles of round-trip times, in microseconds.</summary>
internal sealed class LatencyStats
{
    public double Min { get; private init; }

    public double Mean { get; private init; }

    public double P50 { get; private init; }

    public double P90 { get; private init; }

    public double P99 { get; private init; }

    public double P999 { get; private init; }

    public double Max { get; private init; }

    /// <summary>Builds the stats from Stopwatch tick durations (sorts the array in place).</summary>
    public static LatencyStats FromTicks(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return new LatencyStats();
        }

        Array.Sort(ticks);
        double toMicros = 1_000_000.0 / Stopwatch.Frequency;
        double sum = 0;
        foreach (long t in ticks)
        {
            sum += t;
        }

        // Nearest-rank percentile: the smallest sample with at least p of the samples at or below it.
        double At(double p) => ticks[Math.Clamp((int)Math.Ceiling(p * ticks.Length) - 1, 0, ticks.Length - 1)] * toMicros;

        return new LatencyStats
        {
            Min = ticks[0] * toMicros,
            Mean = sum / ticks.Length * toMicros,
            P50 = At(0.50),
            P90 = At(0.90),
            P99 = At(0.99),
            P999 = At(0.999),
            Max = ticks[^1] * toMicros,
        };
    }
}
