using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/gatewayz for a server without gateways.</summary>
internal sealed class Gatewayz
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("outbound_gateways")] public Dictionary<string, EmptySection> OutboundGateways { get; init; } = [];
    [JsonPropertyName("inbound_gateways")] public Dictionary<string, EmptySection> InboundGateways { get; init; } = [];
}
