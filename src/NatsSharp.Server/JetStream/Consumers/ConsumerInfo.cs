using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Consumers;

/// <summary>A consumer's info: CONSUMER.INFO/CREATE responses and CONSUMER.LIST entries.</summary>
internal sealed class ConsumerInfo
{
    [JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; set; }
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Api.JsApiError? Error { get; set; }
    [JsonPropertyName("stream_name")] public string JsStream { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("created")] public DateTime Created { get; set; }
    [JsonPropertyName("config")] public ConsumerConfig Config { get; set; } = new();
    [JsonPropertyName("delivered")] public SequenceInfo Delivered { get; set; } = new();
    [JsonPropertyName("ack_floor")] public SequenceInfo AckFloor { get; set; } = new();
    [JsonPropertyName("num_ack_pending")] public int NumAckPending { get; set; }
    [JsonPropertyName("num_redelivered")] public int NumRedelivered { get; set; }
    [JsonPropertyName("num_waiting")] public int NumWaiting { get; set; }
    [JsonPropertyName("num_pending")] public ulong NumPending { get; set; }
    [JsonPropertyName("cluster"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Api.ClusterInfo? Cluster { get; set; }
    [JsonPropertyName("push_bound"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool PushBound { get; set; }
}
