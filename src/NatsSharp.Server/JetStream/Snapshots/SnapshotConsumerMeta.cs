using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>The JSON part of a snapshot's consumer record.</summary>
internal sealed class SnapshotConsumerMeta
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("created")] public DateTime Created { get; set; }
    [JsonPropertyName("config")] public Consumers.ConsumerConfig Config { get; set; } = new();
}
