using System.Text.Json.Serialization;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.SystemAccount;

/// <summary>A user's permissions as nats-server's publicPermissions shows them: both lists always, responses when allowed.</summary>
internal sealed class UserInfoPermissions
{
    [JsonPropertyName("publish")] public UserInfoSubjects Publish { get; set; } = new();
    [JsonPropertyName("subscribe")] public UserInfoSubjects Subscribe { get; set; } = new();
    [JsonPropertyName("responses"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public UserInfoResponses? Responses { get; set; }

    public static UserInfoPermissions From(Permissions permissions) => new()
    {
        Publish = UserInfoSubjects.From(permissions.Publish),
        Subscribe = UserInfoSubjects.From(permissions.Subscribe),
        Responses = permissions.Response is { } r ? new UserInfoResponses { Max = r.MaxMsgs, Ttl = r.Expires.Ticks * 100 } : null,
    };
}
