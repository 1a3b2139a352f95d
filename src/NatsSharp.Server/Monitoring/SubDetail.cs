using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>One subscription in /connz?subs=detail and /subsz?subs=1.</summary>
internal sealed class SubDetail
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("account"), JsonIgnore(Condition = OmitEmpty)] public string? Account { get; set; }
    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("qgroup"), JsonIgnore(Condition = OmitEmpty)] public string? Queue { get; init; }
    [JsonPropertyName("sid")] public string Sid { get; init; } = "";
    [JsonPropertyName("msgs")] public long Msgs { get; init; }
    [JsonPropertyName("max"), JsonIgnore(Condition = OmitEmpty)] public long Max { get; init; }
    [JsonPropertyName("cid")] public ulong Cid { get; init; }

    /// <summary>Not serialized: lets the closed-connection ring keep the account without showing it in /connz.</summary>
    [JsonIgnore] public string AccountName { get; init; } = "";
}
