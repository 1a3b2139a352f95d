using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server;

/// <summary>Authorization on a running server: swapping users and permissions on reload.</summary>
public sealed partial class NatsServer
{
    /// <summary>
    /// Applies the authorization options of <paramref name="options"/> (single user/token, users, nkey
    /// users, permissions, no_auth_user, auth timeout) as nats-server's reload does: new clients use
    /// them at once; every connected client is checked again with the CONNECT it sent, is closed
    /// with <c>-ERR 'Authorization Violation'</c> if it no longer passes, and otherwise gets its
    /// user's new permissions, losing the subscriptions they no longer allow.
    /// Throws <see cref="NatsServerException"/> (changing nothing) if the options are invalid.
    /// </summary>
    public void ReloadAuthorization(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Authenticator.ValidateOptions(options);
        var next = new Authenticator(options);
        Options.Username = options.Username;
        Options.Password = options.Password;
        Options.AuthToken = options.AuthToken;
        Options.Users = options.Users;
        Options.NkeyUsers = options.NkeyUsers;
        Options.NoAuthUser = options.NoAuthUser;
        Options.DefaultPermissions = options.DefaultPermissions;
        Options.AuthTimeout = options.AuthTimeout;
        _authenticator = next;
        if (Volatile.Read(ref _state) == 1)
        {
            ServerInfo updated = _info.Clone();
            updated.AuthRequired = next.Required;
            _info = updated;
        }

        foreach (ClientConnection client in _clients.Values)
        {
            client.Reauthorize(next);
        }
    }
}
