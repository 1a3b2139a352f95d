namespace NatsSharp.Server.Subjects;

/// <summary>A snapshot of Sublist counters, as reported by the /subsz monitoring endpoint.</summary>
internal sealed class SublistStats
{
    public int NumSubs { get; init; }

    /// <summary>Subjects currently held in the match cache.</summary>
    public int NumCache { get; init; }

    public long NumInserts { get; init; }

    public long NumRemoves { get; init; }

    public long NumMatches { get; init; }

    /// <summary>Fraction of matches answered from the cache, 0..1.</summary>
    public double CacheHitRate { get; init; }

    /// <summary>Largest fanout (plain subs + queue groups) among cached results.</summary>
    public int MaxFanout { get; init; }

    /// <summary>Mean fanout among cached results.</summary>
    public double AvgFanout { get; init; }
}
