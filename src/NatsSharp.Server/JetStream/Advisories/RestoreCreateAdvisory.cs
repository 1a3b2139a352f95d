using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>$JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE.&lt;stream&gt; (nats-server's JSRestoreCreateAdvisory).</summary>
internal sealed class RestoreCreateAdvisory
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.advisory.v1.restore_create";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public DateTime Timestamp { get; set; }
    [JsonPropertyName("stream")] public string Stream { get; set; } = "";
    [JsonPropertyName("client")] public AdvisoryClientInfo? Client { get; set; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
}
