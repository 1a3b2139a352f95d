using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Reload;
using NatsSharp.Server.Tls;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server;

/// <summary>
/// Configuration reload (SIGHUP, <c>-sl reload</c>, or an embedder calling
/// <see cref="Reload"/>): apply what nats-server 2.9.10 applies live, refuse the rest.
/// </summary>
public sealed partial class NatsServer
{
    private readonly object _reloadLock = new();

    /// <summary>
    /// Called during a reload, after the new options are in force and before the
    /// <c>Reloaded:</c> lines are logged, with the old and new options. The daemon
    /// reconfigures its log sinks and pid file here; embedders may do the same.
    /// </summary>
    public Action<ServerOptions, ServerOptions>? Reloading { get; set; }

    /// <summary>
    /// Replaces the running options with <paramref name="newOptions"/>. When any option
    /// that cannot change live differs, throws <see cref="NatsServerException"/> with
    /// nats-server's message (<c>config reload not supported for Port: old=4222, new=4223</c>)
    /// and changes nothing.
    /// </summary>
    public void Reload(ServerOptions newOptions)
    {
        ArgumentNullException.ThrowIfNull(newOptions);
        lock (_reloadLock)
        {
            ServerOptions old = Options;
            ServerOptions next = newOptions.Clone();
            if (next.ConfigFile.Length == 0)
            {
                next.ConfigFile = old.ConfigFile;
            }

            OptionsDiff diff = OptionsDiff.Compute(old, next);
            Validate(next);
            Authenticator.ValidateOptions(next);
            if (next.TlsEnabled != ClientTlsOn || next.TlsWithoutCertificate != Options.TlsWithoutCertificate)
            {
                throw new NatsServerException("enabling or disabling TLS for clients requires a restart");
            }

            // Certificates are loaded before anything changes, so a bad file leaves the old config in force.
            TlsSetup? tls = Tls is not null ? TlsSetup.Load(next.ClientTls) : null;
            RouteTls? routeTls = diff.ClusterTlsChanged ? ClusterManager.LoadTls(next.Cluster!) : null;

            Volatile.Write(ref _options, next);
            Log.IsDebug = next.Debug;
            Log.IsTrace = next.Trace || next.TraceVerbose;
            Reloading?.Invoke(old, next);
            foreach (string line in diff.Reloaded)
            {
                Log.Notice("Reloaded: " + line);
            }

            ReloadAuthorization(next);
            ReloadMappings(next);
            if (tls is not null)
            {
                ApplyTls(next, tls);
            }

            ClientInfo.Replace(CreateInfo());
            foreach (ClientConnection client in _clients.All)
            {
                client.ApplyLimits(next, Log.IsTrace);
            }

            if (diff.ClusterChanged && Cluster is not null)
            {
                Cluster.Reload(next.Cluster!, diff.ClusterPermissionsChanged, (routeTls, diff.ClusterTlsChanged));
            }

            if (diff.RoutesChanged && Cluster is not null)
            {
                Cluster.UpdateRoutes(next.Cluster?.Routes ?? []);
            }

            if (diff.MaxConnectionsChanged)
            {
                CloseExcessClients(next.MaxConnections);
            }

            Log.Notice("Reloaded server configuration");
        }
    }

    /// <summary>Lowered max_connections: close clients until the count fits (which ones is unspecified, as in nats-server).</summary>
    private void CloseExcessClients(int max)
    {
        int excess = _clients.Count - max;
        foreach (ClientConnection client in _clients.All)
        {
            if (excess-- <= 0)
            {
                break;
            }

            client.CloseFromServer("maximum connections exceeded", ClosedReason.MaxConnectionsExceeded, "maximum connections exceeded");
        }
    }
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
        Authenticator? nextWebSocket = WebSocketAuth.AuthenticatorFor(forWebSocket);
        foreach (AccountOptions account in options.Accounts)
        {
            // Users of a new account need it before they are re-checked; new limits apply to what comes next.
            Accounts.AddOrUpdate(account);
        }

        SystemEvents?.RefreshImports(); // a new account imports the system services, as at start

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
        _authorization.Swap(next, nextWebSocket);
        if (Volatile.Read(ref _state) == 1)
        {
            ClientInfo.Update(info => info.AuthRequired = next.Required);
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
    private void ApplyTls(ServerOptions options, TlsSetup next)
    {
        ServerOptions merged = Options.Clone();
        merged.ApplyClientTls(options.ClientTls);
        Volatile.Write(ref _options, merged);
        bool pinsChanged = _tls!.Swap(next);
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

        ClientInfo.Update(info => info.TlsVerify = next.Verify);
    }
}
