using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>STREAM.NAMES and CONSUMER.NAMES responses.</summary>
internal sealed class NamesResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("total")] public int Total { get; set; }
    [JsonPropertyName("offset")] public int Offset { get; set; }
    [JsonPropertyName("limit")] public int Limit { get; set; }
    [JsonPropertyName("streams"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Streams { get; set; }
    [JsonPropertyName("consumers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Consumers { get; set; }
}
