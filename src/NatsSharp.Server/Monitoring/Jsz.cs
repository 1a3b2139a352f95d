using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/jsz (nats-server's JSInfo, without the per-account details).</summary>
internal sealed class Jsz
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public DateTime Now { get; init; }
    [JsonPropertyName("disabled"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Disabled { get; init; }
    [JsonPropertyName("config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JetStreamConfigJson? Config { get; init; }
    [JsonPropertyName("memory")] public ulong Memory { get; init; }
    [JsonPropertyName("storage")] public ulong Storage { get; init; }
    [JsonPropertyName("reserved_memory")] public ulong ReservedMemory { get; init; }
    [JsonPropertyName("reserved_storage")] public ulong ReservedStorage { get; init; }
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    [JsonPropertyName("ha_assets")] public int HaAssets { get; init; }
    [JsonPropertyName("api")] public JetStream.Api.ApiStats Api { get; init; } = new();
    [JsonPropertyName("streams")] public int Streams { get; init; }
    [JsonPropertyName("consumers")] public int Consumers { get; init; }
    [JsonPropertyName("messages")] public ulong Messages { get; init; }
    [JsonPropertyName("bytes")] public ulong Bytes { get; init; }
    [JsonPropertyName("account_details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<JszAccount>? AccountDetails { get; init; }
}
