using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz <c>jetstream</c>: empty when JetStream is off, as nats-server.</summary>
internal sealed class JetStreamVarz
{
    [JsonPropertyName("config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JetStreamConfigJson? Config { get; init; }
    [JsonPropertyName("stats"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JetStreamStatsJson? Stats { get; init; }
}
