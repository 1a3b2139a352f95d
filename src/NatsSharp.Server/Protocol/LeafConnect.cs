using System.Text.Json.Serialization;

namespace NatsSharp.Server.Protocol;

/// <summary>The CONNECT a leaf sends its hub, in nats-server's field order.</summary>
internal sealed class LeafConnect
{
    [JsonPropertyName("version")] public string Version { get; set; } = ServerVersion.Compatible;

    [JsonPropertyName("jwt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Jwt { get; set; }

    /// <summary>The hub's nonce signed with the credentials' seed, base64url without padding.</summary>
    [JsonPropertyName("sig"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sig { get; set; }

    [JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; set; }

    [JsonPropertyName("pass"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pass { get; set; }

    [JsonPropertyName("tls_required")] public bool TlsRequired { get; set; }
    [JsonPropertyName("server_id")] public string ServerId { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    [JsonPropertyName("cluster"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cluster { get; set; }

    [JsonPropertyName("headers")] public bool Headers { get; set; } = true;

    /// <summary>2.10's answer to a hub that offers compression (we send "off"); 2.9 hubs ignore it.</summary>
    [JsonPropertyName("compress_mode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CompressMode { get; set; }
}
