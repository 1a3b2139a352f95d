using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary>The <c>"server"</c> object of every $SYS event and response (nats-server's <c>ServerInfo</c>).</summary>
internal sealed class EventServerInfo
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("cluster"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Cluster { get; set; }
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
    [JsonPropertyName("ver")] public string Version { get; set; } = "";
    [JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Tags { get; set; }
    [JsonPropertyName("seq")] public ulong Seq { get; set; }
    [JsonPropertyName("jetstream")] public bool JetStream { get; set; }
    [JsonPropertyName("time")] public string Time { get; set; } = "";
}
