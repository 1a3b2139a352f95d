using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>CONSUMER.CREATE / DURABLE.CREATE body.</summary>
internal sealed class ConsumerCreateRequest
{
    [JsonPropertyName("stream_name")] public string? Stream { get; set; }
    [JsonPropertyName("config")] public Consumers.ConsumerConfig? Config { get; set; }
}
