using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>A publish acknowledgement (nats-server's JSPubAckResponse: the error first, then the ack).</summary>
internal sealed class PubAck
{
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsApiError? Error { get; set; }
    [JsonPropertyName("stream")] public string JsStream { get; set; } = "";
    [JsonPropertyName("seq")] public ulong Sequence { get; set; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
    [JsonPropertyName("duplicate"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool Duplicate { get; set; }
}
