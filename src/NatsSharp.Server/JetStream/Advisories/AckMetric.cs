using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>$JS.EVENT.METRIC.CONSUMER.ACK.&lt;stream&gt;.&lt;consumer&gt; (nats-server's JSConsumerAckMetric), sampled by sample_freq.</summary>
internal sealed class AckMetric
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.metric.v1.consumer_ack";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public DateTime Timestamp { get; set; }
    [JsonPropertyName("stream")] public string Stream { get; set; } = "";
    [JsonPropertyName("consumer")] public string Consumer { get; set; } = "";
    [JsonPropertyName("consumer_seq")] public ulong ConsumerSequence { get; set; }
    [JsonPropertyName("stream_seq")] public ulong StreamSequence { get; set; }
    [JsonPropertyName("ack_time")] public long AckTimeNs { get; set; }
    [JsonPropertyName("deliveries")] public ulong Deliveries { get; set; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
}
