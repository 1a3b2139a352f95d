namespace NatsSharp.Server.Auth;

/// <summary>The names <c>allowed_connection_types</c> takes (nats-server's, upper case).</summary>
public static class ConnectionTypes
{
    public const string Standard = "STANDARD";
    public const string WebSocket = "WEBSOCKET";
    public const string Leafnode = "LEAFNODE";
    public const string LeafnodeWebSocket = "LEAFNODE_WS";
    public const string Mqtt = "MQTT";
    public const string MqttWebSocket = "MQTT_WS";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        Standard, WebSocket, Leafnode, LeafnodeWebSocket, Mqtt, MqttWebSocket,
    };
}
