using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/accountz?acc=NAME.</summary>
internal sealed class AccountInfo
{
    [JsonPropertyName("account_name")] public string AccountName { get; init; } = "";
    [JsonPropertyName("update_time")] public string UpdateTime { get; init; } = "";
    [JsonPropertyName("expired")] public bool Expired { get; init; }
    [JsonPropertyName("complete")] public bool Complete { get; init; } = true;
    [JsonPropertyName("jetstream_enabled")] public bool JetStreamEnabled { get; init; }
    [JsonPropertyName("leafnode_connections")] public int LeafNodeConnections { get; init; }
    [JsonPropertyName("client_connections")] public int ClientConnections { get; init; }
    [JsonPropertyName("subscriptions")] public int Subscriptions { get; init; }
    [JsonPropertyName("sublist_stats")] public SublistStatsJson SublistStats { get; init; } = new();
}
