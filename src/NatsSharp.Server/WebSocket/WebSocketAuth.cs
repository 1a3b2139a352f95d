using NatsSharp.Server.Auth;

namespace NatsSharp.Server.WebSocket;

/// <summary>nats-server's websocket auth override: a user, token or no_auth_user in <c>websocket { }</c>.</summary>
internal static class WebSocketAuth
{
    /// <summary>
    /// With an override, websocket clients are checked against it instead of the server's single
    /// user/token (its users and nkeys still apply). Null without an override.
    /// </summary>
    public static Authenticator? AuthenticatorFor(ServerOptions options)
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

    /// <summary>nats-server's validateWebsocketOptions checks of the override.</summary>
    public static void Validate(WebSocketOptions ws, ServerOptions options)
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
}
