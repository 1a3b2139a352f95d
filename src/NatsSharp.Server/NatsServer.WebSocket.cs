using NatsSharp.Server.Auth;
using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Tls;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server;

/// <summary>The <c>websocket { }</c> port: NATS clients whose protocol travels inside websocket frames.</summary>
public sealed partial class NatsServer
{
    private WebSocketListener? _webSocket;
    private Authenticator? _webSocketAuthenticator; // null: websocket clients use the server's

    /// <summary>
    /// nats-server's websocket auth override: with a user, token or no_auth_user in <c>websocket { }</c>,
    /// websocket clients are checked against those instead of the server's single user/token (its
    /// users and nkeys still apply). Null without an override.
    /// </summary>
    private static Authenticator? WebSocketAuthenticatorFor(ServerOptions options)
    {
        if (options.WebSocket is not { HasAuthOverride: true } ws)
        {
            return null;
        }

        ServerOptions merged = options.Clone();
        merged.Username = ws.Username;
        merged.Password = ws.Password;
        merged.AuthToken = ws.Token;
        merged.NoAuthUser = ws.NoAuthUser;
        if (ws.AuthTimeout > TimeSpan.Zero)
        {
            merged.AuthTimeout = ws.AuthTimeout;
        }

        return new Authenticator(merged);
    }

    /// <summary>nats-server's validateWebsocketOptions checks of the auth override.</summary>
    private static void ValidateWebSocketAuth(WebSocketOptions ws, ServerOptions options)
    {
        bool users = options.AllUsers().Any() || options.AllNkeyUsers().Any();
        if (users && ws.Username.Length > 0)
        {
            throw new NatsServerException("websocket authentication username not compatible with presence of users/nkeys");
        }

        if (users && ws.Token.Length > 0)
        {
            throw new NatsServerException("websocket authentication token not compatible with presence of users/nkeys");
        }
    }

    /// <summary>The bound websocket port, or 0.</summary>
    public int WebSocketPort { get; private set; }

    /// <summary>Binds the port (errors as nats-server's); accepting starts once the INFO is ready.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The listening socket is owned by the WebSocketListener, which closes it at shutdown.")]
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

        ValidateWebSocketAuth(options, Options);
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
