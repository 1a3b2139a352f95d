using System.Text.Json.Serialization;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// <c>$SYS.ACCOUNT.&lt;acc&gt;.DISCONNECT</c> and <c>$SYS.SERVER.&lt;id&gt;.CLIENT.AUTH.ERR</c>
/// (<c>io.nats.server.advisory.v1.client_disconnect</c>). "sent" is what the client sent, "received" what it got.
/// </summary>
internal sealed class DisconnectEventMessage
{
    public const string EventType = "io.nats.server.advisory.v1.client_disconnect";

    [JsonPropertyName("type")] public string Type { get; set; } = EventType;
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public string Timestamp { get; set; } = "";
    [JsonPropertyName("server")] public EventServerInfo Server { get; set; } = new();
    [JsonPropertyName("client")] public EventClientInfo Client { get; set; } = new();
    [JsonPropertyName("sent")] public DataStats Sent { get; set; } = new();
    [JsonPropertyName("received")] public DataStats Received { get; set; } = new();
    [JsonPropertyName("reason")] public string Reason { get; set; } = "";
}
