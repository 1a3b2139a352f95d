using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz and /jsz <c>config</c> of JetStream.</summary>
internal sealed class JetStreamConfigJson
{
    [JsonPropertyName("max_memory")] public long MaxMemory { get; init; }
    [JsonPropertyName("max_storage")] public long MaxStorage { get; init; }
    [JsonPropertyName("store_dir"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? StoreDir { get; init; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; init; }
}
