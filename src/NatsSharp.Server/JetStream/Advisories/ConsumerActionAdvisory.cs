using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>$JS.EVENT.ADVISORY.CONSUMER.CREATED/DELETED.&lt;stream&gt;.&lt;consumer&gt; (nats-server's JSConsumerActionAdvisory).</summary>
internal sealed class ConsumerActionAdvisory
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.advisory.v1.consumer_action";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public DateTime Timestamp { get; set; }
    [JsonPropertyName("stream")] public string Stream { get; set; } = "";
    [JsonPropertyName("consumer")] public string Consumer { get; set; } = "";
    [JsonPropertyName("action")] public string Action { get; set; } = "";
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
}
