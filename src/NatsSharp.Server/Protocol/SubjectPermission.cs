using System.Text.Json.Serialization;

namespace NatsSharp.Server.Protocol;

/// <summary>
/// One direction of a user's permissions (<c>publish</c> or <c>subscribe</c>). A null
/// <see cref="Allow"/> allows everything; an empty one allows nothing. Deny wins over allow.
/// Subscribe entries may name a queue group: <c>"orders.* workers"</c>.
/// </summary>
public sealed class SubjectPermission
{
    [JsonPropertyName("allow"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Allow { get; init; }

    [JsonPropertyName("deny"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Deny { get; init; }
}
