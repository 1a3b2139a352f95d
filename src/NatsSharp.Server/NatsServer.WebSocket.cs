using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Tls;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server;

/// <summary>The <c>websocket { }</c> port: NATS clients whose protocol travels inside websocket frames.</summary>
public sealed partial class NatsServer
{
    private WebSocketListener? _webSocket;

    /// <summary>The bound websocket port, or 0.</summary>
    public int WebSocketPort { get; private set; }

    /// <summary>Binds the port (errors as nats-server's); accepting starts once the INFO is ready.</summary>
    private void StartWebSocket()
    {
        if (Options.WebSocket is not { Enabled: true } options)
        {
            return;
        }

        if (options.Tls is null && !options.NoTls)
        {
            throw new NatsServerException("websocket requires TLS configuration");
        }

        TlsSetup? tls = options.Tls is { } tlsOptions ? TlsSetup.Load(tlsOptions) : null;
        Socket socket = Listen(options.Host, options.Port == ServerOptions.RandomPort ? ServerOptions.RandomPort : options.Port);
        WebSocketPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        string scheme = tls is null ? "ws" : "wss";
        Log.Notice($"Listening for websocket clients on {scheme}://{options.Host}:{WebSocketPort}");
        if (tls is null)
        {
            Log.Warn("Websocket not configured with TLS. DO NOT USE IN PRODUCTION!");
        }

        _webSocket = new WebSocketListener(socket, options, tls, Log, (s, stream) => Accept(s, stream, webSocket: true));
    }

    private async Task StopWebSocketAsync()
    {
        if (_webSocket is not null)
        {
            await _webSocket.StopAsync().ConfigureAwait(false);
        }
    }
}
