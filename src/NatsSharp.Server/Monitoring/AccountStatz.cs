using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/accstatz: per-account connection and traffic counters.</summary>
internal sealed class AccountStatz
{
    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("account_statz")] public List<AccountStat> Accounts { get; init; } = [];
}
