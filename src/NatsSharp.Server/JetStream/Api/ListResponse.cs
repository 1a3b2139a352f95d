using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>STREAM.LIST and CONSUMER.LIST responses.</summary>
internal sealed class ListResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("total")] public int Total { get; set; }
    [JsonPropertyName("offset")] public int Offset { get; set; }
    [JsonPropertyName("limit")] public int Limit { get; set; }
    [JsonPropertyName("streams"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<Streams.StreamInfo>? Streams { get; set; }
    [JsonPropertyName("consumers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<Consumers.ConsumerInfo>? Consumers { get; set; }
}
