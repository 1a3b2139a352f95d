using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>
/// A message's fate at a consumer: MSG_NAKED (nats-server's JSConsumerDeliveryNakAdvisory) and
/// MSG_TERMINATED (JSConsumerDeliveryTerminatedAdvisory) carry the same fields.
/// </summary>
internal sealed class DeliveryAdvisory
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public DateTime Timestamp { get; set; }
    [JsonPropertyName("stream")] public string Stream { get; set; } = "";
    [JsonPropertyName("consumer")] public string Consumer { get; set; } = "";
    [JsonPropertyName("consumer_seq")] public ulong ConsumerSequence { get; set; }
    [JsonPropertyName("stream_seq")] public ulong StreamSequence { get; set; }
    [JsonPropertyName("deliveries")] public ulong Deliveries { get; set; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
}
