using System.Text.Json.Serialization;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Monitoring;

/// <summary>Sublist counters as /subsz and /accountz print them, summed over accounts as nats-server sums them.</summary>
internal sealed class SublistStatsJson
{
    private long _cacheHits;
    private long _totalFanout;

    [JsonPropertyName("num_subscriptions")] public int NumSubscriptions { get; set; }
    [JsonPropertyName("num_cache")] public int NumCache { get; set; }
    [JsonPropertyName("num_inserts")] public long NumInserts { get; set; }
    [JsonPropertyName("num_removes")] public long NumRemoves { get; set; }
    [JsonPropertyName("num_matches")] public long NumMatches { get; set; }
    [JsonPropertyName("cache_hit_rate")] public double CacheHitRate { get; set; }
    [JsonPropertyName("max_fanout")] public int MaxFanout { get; set; }
    [JsonPropertyName("avg_fanout")] public double AvgFanout { get; set; }

    /// <summary>
    /// Adds one sublist's counters: sums, the largest fanout, and the hit rate and average
    /// fanout recomputed from the summed hits and fanouts (not averaged averages).
    /// </summary>
    public void Add(SublistStats s)
    {
        NumSubscriptions += s.NumSubs;
        NumCache += s.NumCache;
        NumInserts += s.NumInserts;
        NumRemoves += s.NumRemoves;
        NumMatches += s.NumMatches;
        MaxFanout = Math.Max(MaxFanout, s.MaxFanout);
        _cacheHits += (long)Math.Round(s.CacheHitRate * s.NumMatches);
        _totalFanout += (long)Math.Round(s.AvgFanout * s.NumCache);
        CacheHitRate = NumMatches > 0 ? (double)_cacheHits / NumMatches : 0;
        AvgFanout = NumCache > 0 ? (double)_totalFanout / NumCache : 0;
    }
}
