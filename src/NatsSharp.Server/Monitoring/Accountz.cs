using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/accountz: the account names, or one account's details with ?acc=.</summary>
internal sealed class Accountz
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("system_account"), JsonIgnore(Condition = OmitEmpty)] public string? SystemAccount { get; init; }
    [JsonPropertyName("accounts"), JsonIgnore(Condition = OmitEmpty)] public List<string>? Accounts { get; init; }
    [JsonPropertyName("account_detail"), JsonIgnore(Condition = OmitEmpty)] public AccountInfo? AccountDetail { get; init; }
}
