using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>One route in /routez.</summary>
internal sealed class RouteInfo
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("rid")] public ulong Rid { get; init; }
    [JsonPropertyName("remote_id")] public string RemoteId { get; init; } = "";
    [JsonPropertyName("did_solicit")] public bool DidSolicit { get; init; }
    [JsonPropertyName("is_configured")] public bool IsConfigured { get; init; }
    [JsonPropertyName("ip")] public string Ip { get; init; } = "";
    [JsonPropertyName("port")] public int Port { get; init; }
    [JsonPropertyName("start")] public string Start { get; init; } = "";
    [JsonPropertyName("last_activity")] public string LastActivity { get; init; } = "";
    [JsonPropertyName("rtt"), JsonIgnore(Condition = OmitEmpty)] public string? Rtt { get; init; }
    [JsonPropertyName("uptime")] public string Uptime { get; init; } = "";
    [JsonPropertyName("idle")] public string Idle { get; init; } = "";
    [JsonPropertyName("pending_size")] public int PendingSize { get; init; }
    [JsonPropertyName("in_msgs")] public long InMsgs { get; init; }
    [JsonPropertyName("out_msgs")] public long OutMsgs { get; init; }
    [JsonPropertyName("in_bytes")] public long InBytes { get; init; }
    [JsonPropertyName("out_bytes")] public long OutBytes { get; init; }
    [JsonPropertyName("subscriptions")] public int Subscriptions { get; init; }
    [JsonPropertyName("subscriptions_list"), JsonIgnore(Condition = OmitEmpty)] public List<string>? SubscriptionsList { get; init; }
    [JsonPropertyName("subscriptions_list_detail"), JsonIgnore(Condition = OmitEmpty)] public List<SubDetail>? SubscriptionsListDetail { get; init; }
}
