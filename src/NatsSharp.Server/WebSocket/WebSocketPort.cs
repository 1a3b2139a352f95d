using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.WebSocket;

/// <summary>Opens the <c>websocket { }</c> port as the options ask, with nats-server's checks, errors and log lines.</summary>
internal static class WebSocketPort
{
    /// <summary>
    /// Binds the port (null when websocket is off); accepting starts with <see cref="WebSocketListener.Start"/>
    /// once the server's INFO is ready. <paramref name="onClient"/> gets each upgraded connection.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The listening socket is owned by the WebSocketListener, which closes it at shutdown.")]
    public static (WebSocketListener Listener, int Port)? Bind(ServerOptions serverOptions, ServerLog log, Action<Socket, Stream> onClient)
    {
        if (serverOptions.WebSocket is not { Enabled: true } options)
        {
            return null;
        }

        if (options.Tls is null && !options.NoTls)
        {
            throw new NatsServerException("websocket requires TLS configuration");
        }

        WebSocketAuth.Validate(options, serverOptions);
        TlsSetup? tls = options.Tls is { } tlsOptions ? TlsSetup.Load(tlsOptions) : null;
        Socket socket = TcpListen.Bind(options.Host, TcpListen.PortToBind(options.Port));
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        string scheme = tls is null ? "ws" : "wss";
        log.Notice($"Listening for websocket clients on {scheme}://{options.Host}:{port}");
        if (tls is null)
        {
            log.Warn("Websocket not configured with TLS. DO NOT USE IN PRODUCTION!");
        }

        return (new WebSocketListener(socket, options, tls, log, onClient), port);
    }
}
