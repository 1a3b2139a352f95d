using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>The JSON part of a snapshot's stream record.</summary>
internal sealed class SnapshotStreamMeta
{
    [JsonPropertyName("config")] public Streams.StreamConfig Config { get; set; } = new();
    [JsonPropertyName("created")] public DateTime Created { get; set; }
}
