using System.Text.Json.Serialization;

namespace NatsSharp.Server.Protocol;

/// <summary>The CONNECT a server sends on a route, in nats-server's field order.</summary>
internal sealed class RouteConnect
{
    [JsonPropertyName("echo")] public bool Echo { get; set; } = true;
    [JsonPropertyName("verbose")] public bool Verbose { get; set; }
    [JsonPropertyName("pedantic")] public bool Pedantic { get; set; }

    [JsonPropertyName("user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; set; }

    [JsonPropertyName("pass"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pass { get; set; }

    [JsonPropertyName("tls_required")] public bool TlsRequired { get; set; }
    [JsonPropertyName("headers")] public bool Headers { get; set; } = true;
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("cluster")] public string Cluster { get; set; } = "";

    [JsonPropertyName("cluster_dynamic"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Dynamic { get; set; }

    [JsonPropertyName("lnoc")] public bool Lnoc { get; set; } = true;
}
