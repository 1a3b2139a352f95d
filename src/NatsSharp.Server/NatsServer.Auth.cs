using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Tls;
using NatsSharp.Server.Accounts;

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
        ServerOptions forWebSocket = options.Clone();
        forWebSocket.WebSocket = Options.WebSocket; // the websocket block itself is not reloadable
        Authenticator? nextWebSocket = WebSocketAuthenticatorFor(forWebSocket);
        foreach (AccountOptions account in options.Accounts)
        {
            // Users of a new account need it before they are re-checked; new limits apply to what comes next.
            Accounts.AddOrUpdate(account);
        }

        ServerOptions merged = Options.Clone(); // readers keep a consistent snapshot: swap, never mutate
        merged.Username = options.Username;
        merged.Password = options.Password;
        merged.AuthToken = options.AuthToken;
        merged.Users = options.Users;
        merged.NkeyUsers = options.NkeyUsers;
        merged.Accounts = options.Accounts;
        merged.NoAuthUser = options.NoAuthUser;
        merged.DefaultPermissions = options.DefaultPermissions;
        merged.AuthTimeout = options.AuthTimeout;
        Volatile.Write(ref _options, merged);
        Volatile.Write(ref _authenticator, next);
        Volatile.Write(ref _webSocketAuthenticator, nextWebSocket);
        if (Volatile.Read(ref _state) == 1)
        {
            ServerInfo updated = _info.Clone();
            updated.AuthRequired = next.Required;
            _info = updated;
        }

        foreach (ClientConnection client in _clients.All)
        {
            client.Reauthorize(client.IsWebSocket ? nextWebSocket ?? next : next);
        }
    }

    /// <summary>
    /// Loads the TLS files and settings of <paramref name="options"/> again (for reload, e.g. after a
    /// certificate was renewed): new connections use them, existing ones keep their session. Turning
    /// TLS on or off needs a restart, as clients learn it from INFO. Throws <see cref="NatsServerException"/>
    /// (changing nothing) when a file is missing or bad.
    /// </summary>
    public void ReloadTls(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TlsEnabled != ClientTlsOn || options.TlsWithoutCertificate != Options.TlsWithoutCertificate)
        {
            throw new NatsServerException("enabling or disabling TLS for clients requires a restart");
        }

        if (Tls is not null)
        {
            ApplyTls(options, TlsSetup.Load(options.ClientTls));
        }
    }

    /// <summary>Switches new connections to already loaded TLS settings.</summary>
    internal void ApplyTls(ServerOptions options, TlsSetup next)
    {
        ServerOptions merged = Options.Clone();
        merged.ApplyClientTls(options.ClientTls);
        bool pinsChanged = Tls is null || !Tls.PinnedCerts.SetEquals(next.PinnedCerts);
        Volatile.Write(ref _options, merged);
        Tls = next;
        if (pinsChanged && next.PinnedCerts.Count > 0)
        {
            // As nats-server: clients whose key is no longer pinned are disconnected.
            List<ClientConnection> unpinned = [.. _clients.All.Where(c => c.PinnedKeyId is null || !next.PinnedCerts.Contains(c.PinnedKeyId))];
            if (unpinned.Count > 0)
            {
                Log.Notice($"Disconnect {unpinned.Count} clients due to pinned certs reload");
                foreach (ClientConnection client in unpinned)
                {
                    client.Close(ClosedReason.TlsHandshakeError);
                }
            }
        }

        ServerInfo updated = _info.Clone();
        updated.TlsVerify = next.Verify;
        _info = updated;
    }

    private Timer? _tlsRateLog;

    /// <summary>Once a second, a warning with how many TLS connections <c>connection_rate_limit</c> refused (as nats-server).</summary>
    private void StartTlsRateLog() =>
        _tlsRateLog = new Timer(
            static s =>
            {
                var server = (NatsServer)s!;
                if (server.Tls?.RateLimiter?.TakeBlocked() is > 0 and long blocked)
                {
                    server.Log.Warn($"Rejected {blocked} connections due to TLS rate limiting");
                }
            },
            this,
            TimeSpan.FromSeconds(1),
            TimeSpan.FromSeconds(1));

    private void StopTlsRateLog() => _tlsRateLog?.Dispose();
}
