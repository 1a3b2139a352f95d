using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The <c>Nats-Request-Info</c> header's JSON (nats-server 2.10's <c>ClientInfo</c> of a shared import:
/// the requester in detail, with this server's name and cluster).
/// </summary>
internal sealed class RequestInfo
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("start"), JsonIgnore(Condition = OmitEmpty)] public string? Start { get; set; }
    [JsonPropertyName("host"), JsonIgnore(Condition = OmitEmpty)] public string? Host { get; set; }
    [JsonPropertyName("id"), JsonIgnore(Condition = OmitEmpty)] public ulong Id { get; set; }
    [JsonPropertyName("acc"), JsonIgnore(Condition = OmitEmpty)] public string? Account { get; set; }
    [JsonPropertyName("user"), JsonIgnore(Condition = OmitEmpty)] public string? User { get; set; }
    [JsonPropertyName("name"), JsonIgnore(Condition = OmitEmpty)] public string? Name { get; set; }
    [JsonPropertyName("lang"), JsonIgnore(Condition = OmitEmpty)] public string? Lang { get; set; }
    [JsonPropertyName("ver"), JsonIgnore(Condition = OmitEmpty)] public string? Version { get; set; }

    /// <summary>Nanoseconds, as Go encodes a time.Duration.</summary>
    [JsonPropertyName("rtt"), JsonIgnore(Condition = OmitEmpty)] public long Rtt { get; set; }
    [JsonPropertyName("server"), JsonIgnore(Condition = OmitEmpty)] public string? Server { get; set; }
    [JsonPropertyName("cluster"), JsonIgnore(Condition = OmitEmpty)] public string? Cluster { get; set; }
    [JsonPropertyName("kind"), JsonIgnore(Condition = OmitEmpty)] public string? Kind { get; set; }
    [JsonPropertyName("client_type"), JsonIgnore(Condition = OmitEmpty)] public string? ClientType { get; set; }
}
