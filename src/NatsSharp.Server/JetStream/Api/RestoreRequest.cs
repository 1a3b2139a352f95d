using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>$JS.API.STREAM.RESTORE.&lt;stream&gt;'s body: the config to restore under (the state is informational, as in nats-server).</summary>
internal sealed class RestoreRequest
{
    [JsonPropertyName("config")] public Streams.StreamConfig? Config { get; set; }
    [JsonPropertyName("state")] public Streams.StreamState? State { get; set; }
}
