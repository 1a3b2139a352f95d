using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>nats-server's ExternalStream: where the API of another account or domain is reached.</summary>
internal sealed class ExternalStream
{
    [JsonPropertyName("api")] public string ApiPrefix { get; set; } = "";
    [JsonPropertyName("deliver")] public string DeliverPrefix { get; set; } = "";
}
