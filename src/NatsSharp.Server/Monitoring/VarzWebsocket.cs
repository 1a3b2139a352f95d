using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>/varz "websocket": the websocket block as nats-server's WebsocketOptsVarz, or {} without one.</summary>
internal sealed class VarzWebsocket
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("host"), JsonIgnore(Condition = OmitEmpty)] public string? Host { get; init; }
    [JsonPropertyName("port"), JsonIgnore(Condition = OmitEmpty)] public int Port { get; init; }
    [JsonPropertyName("advertise"), JsonIgnore(Condition = OmitEmpty)] public string? Advertise { get; init; }
    [JsonPropertyName("no_auth_user"), JsonIgnore(Condition = OmitEmpty)] public string? NoAuthUser { get; init; }
    [JsonPropertyName("handshake_timeout"), JsonIgnore(Condition = OmitEmpty)] public long HandshakeTimeout { get; init; }
    [JsonPropertyName("auth_timeout"), JsonIgnore(Condition = OmitEmpty)] public double AuthTimeout { get; init; }
    [JsonPropertyName("no_tls"), JsonIgnore(Condition = OmitEmpty)] public bool NoTls { get; init; }
    [JsonPropertyName("same_origin"), JsonIgnore(Condition = OmitEmpty)] public bool SameOrigin { get; init; }
    [JsonPropertyName("allowed_origins"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? AllowedOrigins { get; init; }
    [JsonPropertyName("compression"), JsonIgnore(Condition = OmitEmpty)] public bool Compression { get; init; }
}
