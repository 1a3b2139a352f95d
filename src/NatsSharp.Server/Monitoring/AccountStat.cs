using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>One account in /accstatz.</summary>
internal sealed class AccountStat
{
    [JsonPropertyName("acc")] public string Account { get; init; } = "";
    [JsonPropertyName("conns")] public int Conns { get; init; }
    [JsonPropertyName("leafnodes")] public int LeafNodes { get; init; }
    [JsonPropertyName("total_conns")] public int TotalConns { get; init; }
    [JsonPropertyName("sent")] public DataStats Sent { get; init; } = new();
    [JsonPropertyName("received")] public DataStats Received { get; init; } = new();
    [JsonPropertyName("slow_consumers")] public long SlowConsumers { get; init; }
}
