using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>One leafnode connection in /leafz.</summary>
internal sealed class LeafInfo
{
    [JsonPropertyName("account")] public string Account { get; init; } = "";
    [JsonPropertyName("ip")] public string Ip { get; init; } = "";
    [JsonPropertyName("port")] public int Port { get; init; }
    [JsonPropertyName("rtt")] public string Rtt { get; init; } = "0s";
    [JsonPropertyName("in_msgs")] public long InMsgs { get; init; }
    [JsonPropertyName("out_msgs")] public long OutMsgs { get; init; }
    [JsonPropertyName("in_bytes")] public long InBytes { get; init; }
    [JsonPropertyName("out_bytes")] public long OutBytes { get; init; }
    [JsonPropertyName("subscriptions")] public int Subscriptions { get; init; }

    [JsonPropertyName("subscriptions_list"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? SubscriptionsList { get; init; }
}
