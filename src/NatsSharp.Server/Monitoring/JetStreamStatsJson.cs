using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz <c>jetstream.stats</c> (nats-server's JetStreamStats).</summary>
internal sealed class JetStreamStatsJson
{
    [JsonPropertyName("memory")] public ulong Memory { get; init; }
    [JsonPropertyName("storage")] public ulong Storage { get; init; }
    [JsonPropertyName("reserved_memory")] public ulong ReservedMemory { get; init; }
    [JsonPropertyName("reserved_storage")] public ulong ReservedStorage { get; init; }
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    [JsonPropertyName("ha_assets")] public int HaAssets { get; init; }
    [JsonPropertyName("api")] public JetStream.Api.ApiStats Api { get; init; } = new();
}
