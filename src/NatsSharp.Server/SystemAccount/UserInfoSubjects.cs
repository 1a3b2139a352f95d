using System.Text.Json.Serialization;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.SystemAccount;

/// <summary>One direction's allow and deny lists (nats-server's <c>SubjectPermission</c>); empty lists are left out.</summary>
internal sealed class UserInfoSubjects
{
    [JsonPropertyName("allow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Allow { get; set; }
    [JsonPropertyName("deny"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Deny { get; set; }

    public static UserInfoSubjects From(SubjectPermission? permission) => new()
    {
        Allow = permission?.Allow is { Count: > 0 } allow ? [.. allow] : null,
        Deny = permission?.Deny is { Count: > 0 } deny ? [.. deny] : null,
    };
}
