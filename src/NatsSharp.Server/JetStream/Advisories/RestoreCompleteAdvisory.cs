using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE.&lt;stream&gt; (nats-server's JSRestoreCompleteAdvisory): sent whether the restore worked or not.</summary>
internal sealed class RestoreCompleteAdvisory
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.advisory.v1.restore_complete";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public DateTime Timestamp { get; set; }
    [JsonPropertyName("stream")] public string Stream { get; set; } = "";
    [JsonPropertyName("start")] public DateTime Start { get; set; }
    [JsonPropertyName("end")] public DateTime End { get; set; }
    [JsonPropertyName("bytes")] public long Bytes { get; set; }
    [JsonPropertyName("client")] public AdvisoryClientInfo? Client { get; set; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
}
