using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>The <c>websocket { }</c> block; null = no websocket listener.</summary>
    public WebSocketOptions? WebSocket { get; set; }
}
