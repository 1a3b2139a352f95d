using System.Text.Json.Serialization;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.Monitoring;

/// <summary>One connection in /connz, open or closed.</summary>
internal sealed class ConnInfo
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("cid")] public ulong Cid { get; init; }
    [JsonPropertyName("kind")] public string Kind { get; init; } = "Client";
    [JsonPropertyName("type"), JsonIgnore(Condition = OmitEmpty)] public string? Type { get; init; } = "nats"; // leafnodes have none
    [JsonPropertyName("ip")] public string Ip { get; init; } = "";
    [JsonPropertyName("port")] public int Port { get; init; }
    [JsonPropertyName("start")] public string Start { get; init; } = "";
    [JsonPropertyName("last_activity")] public string LastActivity { get; init; } = "";
    [JsonPropertyName("stop"), JsonIgnore(Condition = OmitEmpty)] public string? Stop { get; init; }
    [JsonPropertyName("reason"), JsonIgnore(Condition = OmitEmpty)] public string? Reason { get; init; }
    [JsonPropertyName("rtt"), JsonIgnore(Condition = OmitEmpty)] public string? Rtt { get; init; }
    [JsonPropertyName("uptime")] public string Uptime { get; set; } = "";
    [JsonPropertyName("idle")] public string Idle { get; set; } = "";
    [JsonPropertyName("pending_bytes")] public int PendingBytes { get; init; }
    [JsonPropertyName("in_msgs")] public long InMsgs { get; init; }
    [JsonPropertyName("out_msgs")] public long OutMsgs { get; init; }
    [JsonPropertyName("in_bytes")] public long InBytes { get; init; }
    [JsonPropertyName("out_bytes")] public long OutBytes { get; init; }
    [JsonPropertyName("subscriptions")] public int Subscriptions { get; init; }
    [JsonPropertyName("name"), JsonIgnore(Condition = OmitEmpty)] public string? Name { get; init; }
    [JsonPropertyName("lang"), JsonIgnore(Condition = OmitEmpty)] public string? Lang { get; init; }
    [JsonPropertyName("version"), JsonIgnore(Condition = OmitEmpty)] public string? Version { get; init; }
    [JsonPropertyName("tls_version"), JsonIgnore(Condition = OmitEmpty)] public string? TlsVersion { get; init; }
    [JsonPropertyName("tls_cipher_suite"), JsonIgnore(Condition = OmitEmpty)] public string? TlsCipherSuite { get; init; }
    [JsonPropertyName("tls_peer_certs"), JsonIgnore(Condition = OmitEmpty)] public List<TlsPeerCert>? TlsPeerCerts { get; set; }
    [JsonPropertyName("authorized_user"), JsonIgnore(Condition = OmitEmpty)] public string? AuthorizedUser { get; set; }
    [JsonPropertyName("account"), JsonIgnore(Condition = OmitEmpty)] public string? Account { get; set; }
    [JsonPropertyName("subscriptions_list"), JsonIgnore(Condition = OmitEmpty)] public List<string>? SubscriptionsList { get; set; }
    [JsonPropertyName("subscriptions_list_detail"), JsonIgnore(Condition = OmitEmpty)] public List<SubDetail>? SubscriptionsListDetail { get; set; }

    // Kept for sorting and filtering; not part of the JSON.
    [JsonIgnore] public DateTime StartTime { get; init; }
    [JsonIgnore] public DateTime LastActivityTime { get; init; }
    [JsonIgnore] public DateTime? StopTime { get; init; }
    [JsonIgnore] public string User { get; init; } = "";
    [JsonIgnore] public string AuthUser { get; init; } = ""; // authorized_user with auth=1
    [JsonIgnore] public string AccountName { get; init; } = "";
    [JsonIgnore] public TlsPeerCert? PeerCert { get; init; } // tls_peer_certs with auth=1, open connections only
    [JsonIgnore] public List<SubDetail> Subs { get; init; } = [];
}
