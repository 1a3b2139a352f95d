using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>A single server's cluster section: its name as the leader.</summary>
internal sealed class ClusterInfo
{
    [JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; set; }
    [JsonPropertyName("leader"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Leader { get; set; }
}
