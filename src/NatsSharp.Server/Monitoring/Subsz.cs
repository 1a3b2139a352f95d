using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/subsz?subs=1: the sublist counters plus a page of subscriptions.</summary>
internal sealed class Subsz
{
    /// <summary>The counters of <paramref name="stats"/> with one page of subscriptions (none: an empty list).</summary>
    public static Subsz From(SublistStatsJson stats, string serverId, int offset, int limit, List<SubDetail>? page = null) => new()
    {
        Total = page?.Count ?? 0, // nats-server reports the page size here
        SubscriptionsList = page ?? [],
        ServerId = serverId,
        Now = GoFormat.Time(DateTime.UtcNow),
        NumSubscriptions = stats.NumSubscriptions,
        NumCache = stats.NumCache,
        NumInserts = stats.NumInserts,
        NumRemoves = stats.NumRemoves,
        NumMatches = stats.NumMatches,
        CacheHitRate = stats.CacheHitRate,
        MaxFanout = stats.MaxFanout,
        AvgFanout = stats.AvgFanout,
        Offset = offset,
        Limit = limit,
    };

    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("num_subscriptions")] public int NumSubscriptions { get; init; }
    [JsonPropertyName("num_cache")] public int NumCache { get; init; }
    [JsonPropertyName("num_inserts")] public long NumInserts { get; init; }
    [JsonPropertyName("num_removes")] public long NumRemoves { get; init; }
    [JsonPropertyName("num_matches")] public long NumMatches { get; init; }
    [JsonPropertyName("cache_hit_rate")] public double CacheHitRate { get; init; }
    [JsonPropertyName("max_fanout")] public int MaxFanout { get; init; }
    [JsonPropertyName("avg_fanout")] public double AvgFanout { get; init; }
    [JsonPropertyName("total")] public int Total { get; init; }
    [JsonPropertyName("offset")] public int Offset { get; init; }
    [JsonPropertyName("limit")] public int Limit { get; init; }
    [JsonPropertyName("subscriptions_list")] public List<SubDetail> SubscriptionsList { get; init; } = [];
}
