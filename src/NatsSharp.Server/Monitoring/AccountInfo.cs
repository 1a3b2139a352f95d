using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/accountz?acc=NAME, with nats-server's key order (its JWT and mapping keys never appear here).</summary>
internal sealed class AccountInfo
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("account_name")] public string AccountName { get; init; } = "";
    [JsonPropertyName("update_time")] public string UpdateTime { get; init; } = "";
    [JsonPropertyName("is_system"), JsonIgnore(Condition = OmitEmpty)] public bool IsSystem { get; init; }
    [JsonPropertyName("expired")] public bool Expired { get; init; }
    [JsonPropertyName("complete")] public bool Complete { get; init; } = true;
    [JsonPropertyName("jetstream_enabled")] public bool JetStreamEnabled { get; init; }
    [JsonPropertyName("leafnode_connections")] public int LeafNodeConnections { get; init; }
    [JsonPropertyName("client_connections")] public int ClientConnections { get; init; }
    [JsonPropertyName("subscriptions")] public int Subscriptions { get; init; }
    [JsonPropertyName("exports"), JsonIgnore(Condition = OmitEmpty)] public List<ExportInfo>? Exports { get; init; }
    [JsonPropertyName("imports"), JsonIgnore(Condition = OmitEmpty)] public List<ImportInfo>? Imports { get; init; }
    [JsonPropertyName("sublist_stats")] public SublistStatsJson SublistStats { get; init; } = new();
    [JsonPropertyName("responses"), JsonIgnore(Condition = OmitEmpty)] public SortedDictionary<string, ResponseInfo>? Responses { get; init; }
}
