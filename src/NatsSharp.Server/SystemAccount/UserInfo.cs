using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary>The <c>data</c> of a <c>$SYS.REQ.USER.INFO</c> answer (nats-server 2.10's <c>UserInfo</c>).</summary>
internal sealed class UserInfo
{
    [JsonPropertyName("user")] public string User { get; set; } = "";
    [JsonPropertyName("account")] public string Account { get; set; } = "";

    /// <summary>Left out for a user without permissions (it may do everything).</summary>
    [JsonPropertyName("permissions"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public UserInfoPermissions? Permissions { get; set; }

    /// <summary>Nanoseconds until a JWT user expires; there are no JWT users here, so always left out.</summary>
    [JsonPropertyName("expires"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long Expires { get; set; }
}
