using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz "leaf": the leafnode listener, or {} without one.</summary>
internal sealed class VarzLeaf
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("host"), JsonIgnore(Condition = OmitEmpty)] public string? Host { get; init; }
    [JsonPropertyName("port"), JsonIgnore(Condition = OmitEmpty)] public int Port { get; init; }
    [JsonPropertyName("auth_timeout"), JsonIgnore(Condition = OmitEmpty)] public double AuthTimeout { get; init; }
    [JsonPropertyName("tls_timeout"), JsonIgnore(Condition = OmitEmpty)] public double TlsTimeout { get; init; }
    [JsonPropertyName("tls_required"), JsonIgnore(Condition = OmitEmpty)] public bool TlsRequired { get; init; }
    [JsonPropertyName("tls_verify"), JsonIgnore(Condition = OmitEmpty)] public bool TlsVerify { get; init; }
}
