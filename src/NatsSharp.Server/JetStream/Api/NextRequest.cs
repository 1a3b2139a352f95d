using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>CONSUMER.MSG.NEXT's body (expires and idle_heartbeat in nanoseconds).</summary>
internal sealed class NextRequest
{
    [JsonPropertyName("batch")] public int Batch { get; set; }
    [JsonPropertyName("expires")] public long Expires { get; set; }
    [JsonPropertyName("no_wait")] public bool NoWait { get; set; }
    [JsonPropertyName("max_bytes")] public int MaxBytes { get; set; }
    [JsonPropertyName("idle_heartbeat")] public long Heartbeat { get; set; }
}
