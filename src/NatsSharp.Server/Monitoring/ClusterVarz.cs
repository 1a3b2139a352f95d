using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz "cluster": every field is omitted when empty, so a standalone server prints <c>{}</c>.</summary>
internal sealed class ClusterVarz
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("name"), JsonIgnore(Condition = OmitEmpty)] public string? Name { get; init; }
    [JsonPropertyName("addr"), JsonIgnore(Condition = OmitEmpty)] public string? Addr { get; init; }
    [JsonPropertyName("cluster_port"), JsonIgnore(Condition = OmitEmpty)] public int ClusterPort { get; init; }
    [JsonPropertyName("auth_timeout"), JsonIgnore(Condition = OmitEmpty)] public double AuthTimeout { get; init; }
    [JsonPropertyName("urls"), JsonIgnore(Condition = OmitEmpty)] public List<string>? Urls { get; init; }
    [JsonPropertyName("tls_timeout"), JsonIgnore(Condition = OmitEmpty)] public double TlsTimeout { get; init; }
}
