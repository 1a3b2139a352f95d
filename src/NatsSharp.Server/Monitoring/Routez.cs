using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/routez for a server without routes.</summary>
internal sealed class Routez
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("num_routes")] public int NumRoutes { get; init; }
    [JsonPropertyName("routes")] public List<EmptySection> Routes { get; init; } = [];
}
