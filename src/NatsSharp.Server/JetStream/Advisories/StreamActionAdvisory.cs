using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>$JS.EVENT.ADVISORY.STREAM.CREATED/UPDATED/DELETED.&lt;stream&gt; (nats-server's JSStreamActionAdvisory).</summary>
internal sealed class StreamActionAdvisory
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.advisory.v1.stream_action";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public DateTime Timestamp { get; set; }
    [JsonPropertyName("stream")] public string Stream { get; set; } = "";
    [JsonPropertyName("action")] public string Action { get; set; } = "";
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
}
