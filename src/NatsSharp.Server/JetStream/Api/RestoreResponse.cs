using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>The answer to a restore request: where to send the snapshot's chunks ("" with an error, as nats-server writes it).</summary>
internal sealed class RestoreResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.api.v1.stream_restore_response";
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsApiError? Error { get; set; }
    [JsonPropertyName("deliver_subject")] public string DeliverSubject { get; set; } = "";
}
