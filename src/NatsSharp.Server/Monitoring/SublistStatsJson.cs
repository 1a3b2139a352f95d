using System.Text.Json.Serialization;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Monitoring;

/// <summary>Sublist counters as /subsz and /accountz print them.</summary>
internal sealed class SublistStatsJson
{
    [JsonPropertyName("num_subscriptions")] public int NumSubscriptions { get; set; }
    [JsonPropertyName("num_cache")] public int NumCache { get; set; }
    [JsonPropertyName("num_inserts")] public long NumInserts { get; set; }
    [JsonPropertyName("num_removes")] public long NumRemoves { get; set; }
    [JsonPropertyName("num_matches")] public long NumMatches { get; set; }
    [JsonPropertyName("cache_hit_rate")] public double CacheHitRate { get; set; }
    [JsonPropertyName("max_fanout")] public int MaxFanout { get; set; }
    [JsonPropertyName("avg_fanout")] public double AvgFanout { get; set; }

    public void CopyFrom(SublistStats s)
    {
        NumSubscriptions = s.NumSubs;
        NumCache = s.NumCache;
        NumInserts = s.NumInserts;
        NumRemoves = s.NumRemoves;
        NumMatches = s.NumMatches;
        CacheHitRate = s.CacheHitRate;
        MaxFanout = s.MaxFanout;
        AvgFanout = s.AvgFanout;
    }
}
