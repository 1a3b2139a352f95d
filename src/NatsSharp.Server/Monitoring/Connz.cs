using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/connz: one page of client connections.</summary>
internal sealed class Connz
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("num_connections")] public int NumConnections { get; init; }
    [JsonPropertyName("total")] public int Total { get; init; }
    [JsonPropertyName("offset")] public int Offset { get; init; }
    [JsonPropertyName("limit")] public int Limit { get; init; }
    [JsonPropertyName("connections")] public List<ConnInfo>? Connections { get; init; } = [];
}
