using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/leafz for a server without leafnodes ("leafs" is null there, as in nats-server).</summary>
internal sealed class Leafz
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("leafnodes")] public int LeafNodes { get; init; }
    [JsonPropertyName("leafs")] public List<LeafInfo>? Leafs { get; init; }
}
