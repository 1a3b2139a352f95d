using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary><c>$SYS.ACCOUNT.&lt;acc&gt;.CONNECT</c> (<c>io.nats.server.advisory.v1.client_connect</c>).</summary>
internal sealed class ConnectEventMessage
{
    public const string EventType = "io.nats.server.advisory.v1.client_connect";

    [JsonPropertyName("type")] public string Type { get; set; } = EventType;
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public string Timestamp { get; set; } = "";
    [JsonPropertyName("server")] public EventServerInfo Server { get; set; } = new();
    [JsonPropertyName("client")] public EventClientInfo Client { get; set; } = new();
}
