using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>The answer to a snapshot request: the stream's config and state as the snapshot starts, or an error.</summary>
internal sealed class SnapshotResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.api.v1.stream_snapshot_response";
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsApiError? Error { get; set; }
    [JsonPropertyName("config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Streams.StreamConfig? Config { get; set; }
    [JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Streams.StreamState? State { get; set; }
}
