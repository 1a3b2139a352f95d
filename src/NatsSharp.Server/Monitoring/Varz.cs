using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz: the server's configuration and runtime counters, in nats-server's field order.</summary>
internal sealed class Varz
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("server_id")] public string ServerId { get; init; } = "";
    [JsonPropertyName("server_name")] public string ServerName { get; init; } = "";
    [JsonPropertyName("version")] public string Version { get; init; } = "";
    [JsonPropertyName("proto")] public int Proto { get; init; }
    [JsonPropertyName("go")] public string Go { get; init; } = "";
    [JsonPropertyName("host")] public string Host { get; init; } = "";
    [JsonPropertyName("port")] public int Port { get; init; }
    [JsonPropertyName("auth_required"), JsonIgnore(Condition = OmitEmpty)] public bool AuthRequired { get; init; }
    [JsonPropertyName("tls_required"), JsonIgnore(Condition = OmitEmpty)] public bool TlsRequired { get; init; }
    [JsonPropertyName("tls_verify"), JsonIgnore(Condition = OmitEmpty)] public bool TlsVerify { get; init; }
    [JsonPropertyName("connect_urls"), JsonIgnore(Condition = OmitEmpty)] public List<string>? ConnectUrls { get; init; }
    [JsonPropertyName("max_connections")] public int MaxConnections { get; init; }
    [JsonPropertyName("max_subscriptions"), JsonIgnore(Condition = OmitEmpty)] public int MaxSubscriptions { get; init; }

    /// <summary>Nanoseconds, as Go marshals a time.Duration.</summary>
    [JsonPropertyName("ping_interval")] public long PingInterval { get; init; }
    [JsonPropertyName("ping_max")] public int PingMax { get; init; }
    [JsonPropertyName("http_host")] public string HttpHost { get; init; } = "";
    [JsonPropertyName("http_port")] public int HttpPort { get; init; }
    [JsonPropertyName("http_base_path")] public string HttpBasePath { get; init; } = "";
    [JsonPropertyName("https_port")] public int HttpsPort { get; init; }
    [JsonPropertyName("auth_timeout")] public double AuthTimeout { get; init; }
    [JsonPropertyName("max_control_line")] public int MaxControlLine { get; init; }
    [JsonPropertyName("max_payload")] public int MaxPayload { get; init; }
    [JsonPropertyName("max_pending")] public long MaxPending { get; init; }
    [JsonPropertyName("cluster")] public ClusterVarz Cluster { get; init; } = new();
    [JsonPropertyName("gateway")] public EmptySection Gateway { get; init; } = EmptySection.Instance;
    [JsonPropertyName("leaf")] public VarzLeaf Leaf { get; init; } = new();
    [JsonPropertyName("mqtt")] public EmptySection Mqtt { get; init; } = EmptySection.Instance;
    [JsonPropertyName("websocket")] public VarzWebsocket Websocket { get; init; } = new();
    [JsonPropertyName("jetstream")] public JetStreamVarz JetStream { get; init; } = new();
    [JsonPropertyName("tls_timeout")] public double TlsTimeout { get; init; }
    [JsonPropertyName("write_deadline")] public long WriteDeadline { get; init; }
    [JsonPropertyName("start")] public string Start { get; init; } = "";
    [JsonPropertyName("now")] public string Now { get; init; } = "";
    [JsonPropertyName("uptime")] public string Uptime { get; init; } = "";
    [JsonPropertyName("mem")] public long Mem { get; init; }
    [JsonPropertyName("cores")] public int Cores { get; init; }
    [JsonPropertyName("gomaxprocs")] public int GoMaxProcs { get; init; }
    [JsonPropertyName("cpu")] public double Cpu { get; init; }
    [JsonPropertyName("connections")] public int Connections { get; init; }
    [JsonPropertyName("total_connections")] public long TotalConnections { get; init; }
    [JsonPropertyName("routes")] public int Routes { get; init; }
    [JsonPropertyName("remotes")] public int Remotes { get; init; }
    [JsonPropertyName("leafnodes")] public int LeafNodes { get; init; }
    [JsonPropertyName("in_msgs")] public long InMsgs { get; init; }
    [JsonPropertyName("out_msgs")] public long OutMsgs { get; init; }
    [JsonPropertyName("in_bytes")] public long InBytes { get; init; }
    [JsonPropertyName("out_bytes")] public long OutBytes { get; init; }
    [JsonPropertyName("slow_consumers")] public long SlowConsumers { get; init; }
    [JsonPropertyName("subscriptions")] public int Subscriptions { get; init; }
    [JsonPropertyName("http_req_stats")] public SortedDictionary<string, long> HttpReqStats { get; init; } = [];
    [JsonPropertyName("config_load_time")] public string ConfigLoadTime { get; init; } = "";
    [JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Tags { get; init; }
    [JsonPropertyName("system_account"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? SystemAccount { get; init; }

    /// <summary>Not in nats-server: NatsSharp's own version beside the compatible one.</summary>
    [JsonPropertyName("natssharp_version")] public string NatsSharpVersion { get; init; } = "";
}
