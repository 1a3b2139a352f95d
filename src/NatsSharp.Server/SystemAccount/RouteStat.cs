using System.Text.Json.Serialization;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.SystemAccount;

/// <summary>One route in a STATSZ message.</summary>
internal sealed class RouteStat
{
    [JsonPropertyName("rid")] public ulong Id { get; set; }
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; set; }
    [JsonPropertyName("sent")] public DataStats Sent { get; set; } = new();
    [JsonPropertyName("received")] public DataStats Received { get; set; } = new();
    [JsonPropertyName("pending")] public int Pending { get; set; }
}
