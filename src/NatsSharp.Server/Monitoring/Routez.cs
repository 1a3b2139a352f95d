using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/routez: the server's routes.</summary>
internal sealed class Routez
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("num_routes")] public int NumRoutes { get; init; }
    [JsonPropertyName("routes")] public List<RouteInfo> Routes { get; init; } = [];
}
