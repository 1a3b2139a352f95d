using System.Text.Json.Serialization;

namespace NatsSharp.Server.Protocol;

/// <summary>
/// The INFO a server sends. Members are declared in nats-server's field order, and the
/// optional ones are omitted when empty, so the JSON reads like the real server's.
/// </summary>
internal sealed class ServerInfo
{
    [JsonPropertyName("server_id")] public string ServerId { get; set; } = "";
    [JsonPropertyName("server_name")] public string ServerName { get; set; } = "";
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("proto")] public int Proto { get; set; } = 1;
    [JsonPropertyName("go")] public string Go { get; set; } = "";
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("port")] public int Port { get; set; }
    [JsonPropertyName("headers")] public bool Headers { get; set; }

    [JsonPropertyName("auth_required"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool AuthRequired { get; set; }

    [JsonPropertyName("tls_required"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TlsRequired { get; set; }

    [JsonPropertyName("tls_verify"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TlsVerify { get; set; }

    [JsonPropertyName("tls_available"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool TlsAvailable { get; set; }

    [JsonPropertyName("max_payload")] public int MaxPayload { get; set; }

    [JsonPropertyName("jetstream"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool JetStream { get; set; }

    /// <summary>Route INFO only: the route URL to dial (gossip, cluster.advertise).</summary>
    [JsonPropertyName("ip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? Ip { get; set; }

    [JsonPropertyName("client_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ClientId { get; set; }

    [JsonPropertyName("client_ip"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? ClientIp { get; set; }

    [JsonPropertyName("nonce"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? Nonce { get; set; }

    [JsonPropertyName("cluster"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string? Cluster { get; set; }

    [JsonPropertyName("cluster_dynamic"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ClusterDynamic { get; set; }

    [JsonPropertyName("connect_urls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public string[]? ConnectUrls { get; set; }

    [JsonPropertyName("ldm"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool LameDuckMode { get; set; }

    /// <summary>Leafnode INFO only: the leaf must wait for the INFO that answers its CONNECT.</summary>
    [JsonPropertyName("info_on_connect"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool InfoOnConnect { get; set; }

    /// <summary>Leafnode INFO only: this INFO answers the leaf's CONNECT.</summary>
    [JsonPropertyName("connect_info"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ConnectInfo { get; set; }

    /// <summary>Leafnode INFO only: the hub's leafnode URLs (a real leaf requires the field).</summary>
    [JsonPropertyName("leafnode_urls"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? LeafNodeUrls { get; set; }

    /// <summary>Leafnode INFO only: the account the hub bound the leaf to.</summary>
    [JsonPropertyName("remote_account"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteAccount { get; set; }

    /// <summary>Leafnode connect_info INFO: what the leaf's user may subscribe to (receive), for the leaf to enforce too.</summary>
    [JsonPropertyName("import"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubjectPermission? Import { get; set; }

    /// <summary>Leafnode connect_info INFO: what the leaf's user may publish (send).</summary>
    [JsonPropertyName("export"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubjectPermission? Export { get; set; }

    /// <summary>Leafnode INFO only (2.10): the hub's compression mode; we read it, never send it.</summary>
    [JsonPropertyName("compression"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Compression { get; set; }

    /// <summary>Route INFO only: leafnode-origin forms (LS+/LMSG) understood.</summary>
    [JsonPropertyName("lnoc"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Lnoc { get; set; }

    public ServerInfo Clone() => (ServerInfo)MemberwiseClone();
}
