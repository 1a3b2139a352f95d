using System.Text.Json.Serialization;

namespace NatsSharp.Server.Protocol;

/// <summary>
/// A client's CONNECT. Missing fields keep nats-server's defaults: verbose, pedantic and
/// echo are true until a CONNECT says otherwise.
/// </summary>
internal sealed class ConnectOptions
{
    [JsonPropertyName("verbose")] public bool Verbose { get; set; } = true;
    [JsonPropertyName("pedantic")] public bool Pedantic { get; set; } = true;
    [JsonPropertyName("echo")] public bool Echo { get; set; } = true;
    [JsonPropertyName("tls_required")] public bool TlsRequired { get; set; }
    [JsonPropertyName("auth_token")] public string? AuthToken { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
    [JsonPropertyName("pass")] public string? Pass { get; set; }
    [JsonPropertyName("nkey")] public string? Nkey { get; set; }
    [JsonPropertyName("sig")] public string? Sig { get; set; }
    [JsonPropertyName("jwt")] public string? Jwt { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("lang")] public string? Lang { get; set; }
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("protocol")] public int Protocol { get; set; }
    [JsonPropertyName("headers")] public bool Headers { get; set; }
    [JsonPropertyName("no_responders")] public bool NoResponders { get; set; }

    /// <summary>Obsolete field: any value is an authorization violation.</summary>
    [JsonPropertyName("account")] public string? Account { get; set; }

    /// <summary>Obsolete field: true is an authorization violation.</summary>
    [JsonPropertyName("new_account")] public bool NewAccount { get; set; }

    // Route CONNECT fields.
    [JsonPropertyName("cluster")] public string? Cluster { get; set; }
    [JsonPropertyName("cluster_dynamic")] public bool ClusterDynamic { get; set; }
    [JsonPropertyName("gateway")] public string? Gateway { get; set; }

    public ConnectOptions Clone() => (ConnectOptions)MemberwiseClone();
}
