using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// A service reply mapping still waiting for its response, under the exporting account's
/// /accountz "responses": <c>subject</c> is the reply the service saw, <c>account</c> and
/// <c>to</c> the requester's account and reply.
/// </summary>
internal sealed class ResponseInfo
{
    /// <summary>nats-server 2.9.10 prints the numeric import type in this map (jwt.Service = 2), not "service".</summary>
    public const int ServiceType = 2;

    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("account")] public string Account { get; init; } = "";
    [JsonPropertyName("to")] public string To { get; init; } = "";
    [JsonPropertyName("type")] public int Type { get; init; } = ServiceType;
    [JsonPropertyName("invalid")] public bool Invalid { get; init; }
    [JsonPropertyName("share")] public bool Share { get; init; }
    [JsonPropertyName("tracking")] public bool Tracking { get; init; }
}
