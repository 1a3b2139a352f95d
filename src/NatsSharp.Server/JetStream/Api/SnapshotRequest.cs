using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>$JS.API.STREAM.SNAPSHOT.&lt;stream&gt;'s body (nats-server's JSApiStreamSnapshotRequest).</summary>
internal sealed class SnapshotRequest
{
    [JsonPropertyName("deliver_subject")] public string? DeliverSubject { get; set; }
    [JsonPropertyName("no_consumers")] public bool NoConsumers { get; set; }
    [JsonPropertyName("chunk_size")] public int ChunkSize { get; set; }
    [JsonPropertyName("jsck")] public bool CheckMessages { get; set; }
}
