using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>STREAM.MSG.GET response.</summary>
internal sealed class MsgGetResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.api.v1.stream_msg_get_response";
    [JsonPropertyName("message")] public StoredMessageJson Message { get; set; } = new();
}
