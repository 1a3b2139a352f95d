using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Connections;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Tls;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server.Reload;

/// <summary>
/// Configuration reload (SIGHUP, <c>-sl reload</c>, <c>$SYS</c> RELOAD, or an embedder): checks the new
/// options, refuses what nats-server 2.9.10 cannot change live, and hands each part its new settings —
/// authorization, mappings, client TLS, client limits, the INFO template, the cluster.
/// </summary>
internal sealed class ServerReloader
{
    private readonly object _lock = new();
    private readonly Func<ServerOptions> _options;
    private readonly Action<ServerOptions> _swapOptions;
    private readonly Action<ServerOptions> _validate;
    private readonly ServerLog _log;
    private readonly ClientAuthorization _authorization;
    private readonly Func<ClientTls?> _tls;
    private readonly ClientRegistry _clients;
    private readonly ClientInfo _info;
    private readonly AccountRegistry _accounts;
    private readonly Func<ClusterManager?> _cluster;
    private readonly Func<LeafNodeManager?> _leafNodes;
    private readonly Action _accountsChanged;
    private readonly Func<bool> _running;

    /// <param name="options">The options in force.</param>
    /// <param name="swapOptions">Puts new options in force (readers keep a consistent snapshot: swap, never mutate).</param>
    /// <param name="validate">The checks of the options made at start.</param>
    /// <param name="tls">Client TLS once started (null before).</param>
    /// <param name="cluster">The cluster once started, or null.</param>
    /// <param name="leafNodes">The leafnodes once started, or null.</param>
    /// <param name="accountsChanged">Accounts were added or changed (the system account imports its services into new ones).</param>
    /// <param name="running">The server is started and not stopping.</param>
    public ServerReloader(
        Func<ServerOptions> options,
        Action<ServerOptions> swapOptions,
        Action<ServerOptions> validate,
        ServerLog log,
        ClientAuthorization authorization,
        Func<ClientTls?> tls,
        ClientRegistry clients,
        ClientInfo info,
        AccountRegistry accounts,
        Func<ClusterManager?> cluster,
        Func<LeafNodeManager?> leafNodes,
        Action accountsChanged,
        Func<bool> running)
    {
        _options = options;
        _swapOptions = swapOptions;
        _validate = validate;
        _log = log;
        _authorization = authorization;
        _tls = tls;
        _clients = clients;
        _info = info;
        _accounts = accounts;
        _cluster = cluster;
        _leafNodes = leafNodes;
        _accountsChanged = accountsChanged;
        _running = running;
    }

    /// <summary>Called with the old and new options once they are in force, before the <c>Reloaded:</c> lines.</summary>
    public Action<ServerOptions, ServerOptions>? Reloading { get; set; }

    /// <summary>Starts or stops JetStream as the options in force say (set by the server once JetStream's start-up ran).</summary>
    public Action<ServerOptions>? JetStreamReload { get; set; }

    /// <summary>Reloads the configuration file (set by the host that knows how to read it); null or the reason it failed.</summary>
    public Func<string?>? ConfigReloader { get; set; }

    /// <summary>For <c>$SYS.REQ.SERVER.&lt;id&gt;.RELOAD</c>: null, or nats-server's reason.</summary>
    public string? ReloadConfigFile() =>
        ConfigReloader is { } reload ? reload() : "can only reload config when a file is provided using -c or --config";

    /// <summary>Replaces the running options; throws <see cref="NatsServerException"/> with nats-server's message, changing nothing, when one cannot change live.</summary>
    public void Reload(ServerOptions newOptions)
    {
        lock (_lock)
        {
            ServerOptions old = _options();
            ServerOptions next = newOptions.Clone();
            if (next.ConfigFile.Length == 0)
            {
                next.ConfigFile = old.ConfigFile;
            }

            OptionsDiff diff = OptionsDiff.Compute(old, next);
            _validate(next);
            Authenticator.ValidateOptions(next);
            CheckTlsOnOff(next);

            // Certificates are loaded before anything changes, so a bad file leaves the old config in force.
            TlsSetup? tls = _tls()?.Setup is not null ? TlsSetup.Load(next.ClientTls) : null;
            RouteTls? routeTls = diff.ClusterTlsChanged ? ClusterManager.LoadTls(next.Cluster!) : null;

            _swapOptions(next);
            _log.IsDebug = next.Debug;
            _log.IsTrace = next.Trace || next.TraceVerbose;
            Reloading?.Invoke(old, next);
            foreach (string line in diff.Reloaded)
            {
                _log.Notice("Reloaded: " + line);
            }

            ReloadAuthorization(next);
            ReloadMappings(next);
            JetStreamReload?.Invoke(next); // after the accounts: a start enables the ones the new config names
            if (tls is not null)
            {
                ApplyTls(next, tls);
            }

            _info.Refresh();
            foreach (ClientConnection client in _clients.All)
            {
                client.ApplyLimits(next, _log.IsTrace);
            }

            ClusterManager? cluster = _cluster();
            if (diff.ClusterChanged && cluster is not null)
            {
                cluster.Reload(next.Cluster!, diff.ClusterPermissionsChanged, (routeTls, diff.ClusterTlsChanged));
            }

            if (diff.RoutesChanged && cluster is not null)
            {
                cluster.UpdateRoutes(next.Cluster?.Routes ?? []);
            }

            if (diff.MaxConnectionsChanged)
            {
                _clients.CloseExcess(next.MaxConnections);
            }

            _log.Notice("Reloaded server configuration");
        }
    }

    /// <summary>
    /// Applies the authorization options as nats-server's reload does: new clients use them at once;
    /// every connected client is checked again with the CONNECT it sent, closed with
    /// <c>-ERR 'Authorization Violation'</c> if it no longer passes, and otherwise gets its user's new
    /// permissions. Throws <see cref="NatsServerException"/> (changing nothing) if the options are invalid.
    /// </summary>
    public void ReloadAuthorization(ServerOptions options)
    {
        Authenticator.ValidateOptions(options);
        var next = new Authenticator(options);
        ServerOptions forWebSocket = options.Clone();
        forWebSocket.WebSocket = _options().WebSocket; // the websocket block itself is not reloadable
        Authenticator? nextWebSocket = WebSocketAuth.AuthenticatorFor(forWebSocket);
        foreach (AccountOptions account in options.Accounts)
        {
            // Users of a new account need it before they are re-checked; new limits apply to what comes next.
            _accounts.AddOrUpdate(account);
        }

        _accountsChanged();

        ServerOptions merged = _options().Clone();
        merged.Username = options.Username;
        merged.Password = options.Password;
        merged.AuthToken = options.AuthToken;
        merged.Users = options.Users;
        merged.NkeyUsers = options.NkeyUsers;
        merged.Accounts = options.Accounts;
        merged.NoAuthUser = options.NoAuthUser;
        merged.DefaultPermissions = options.DefaultPermissions;
        merged.AuthTimeout = options.AuthTimeout;
        _swapOptions(merged);
        _authorization.Swap(next, nextWebSocket);
        if (_running())
        {
            _info.Update(info => info.AuthRequired = next.Required);
        }

        foreach (ClientConnection client in _clients.All)
        {
            client.Reauthorize(client.IsWebSocket ? nextWebSocket ?? next : next);
        }
    }

    /// <summary>
    /// Loads the client TLS files and settings again (e.g. after a certificate was renewed): new connections
    /// use them, existing ones keep their session. Throws <see cref="NatsServerException"/> (changing nothing)
    /// when a file is missing or bad, or when TLS would be turned on or off (clients learn that from INFO).
    /// </summary>
    public void ReloadTls(ServerOptions options)
    {
        CheckTlsOnOff(options);
        if (_tls()?.Setup is not null)
        {
            ApplyTls(options, TlsSetup.Load(options.ClientTls));
        }
    }

    private void CheckTlsOnOff(ServerOptions next)
    {
        ServerOptions current = _options();
        if (next.TlsEnabled != ClientTls.IsOn(_tls(), current) || next.TlsWithoutCertificate != current.TlsWithoutCertificate)
        {
            throw new NatsServerException("enabling or disabling TLS for clients requires a restart");
        }
    }

    /// <summary>Subject mappings: nats-server rebuilds its accounts, so new mappings apply at once.</summary>
    private void ReloadMappings(ServerOptions next)
    {
        // The accounts' own mappings were installed by ReloadAuthorization (AddOrUpdate); $G's are the top-level ones.
        LeafNodeManager? leafNodes = _leafNodes();
        SubjectMapper? old = _accounts.Global.Mapper;
        _accounts.SetGlobalMappings(next.Mappings);
        leafNodes?.OnMappingsChanged(_accounts.Global, old);
        foreach (AccountOptions account in next.Accounts)
        {
            if (_accounts.Find(account.Name) is { } acc)
            {
                leafNodes?.OnMappingsChanged(acc, null); // leaf interest is counted: a source already announced stays one LS+
            }
        }
    }

    /// <summary>Switches new connections to already loaded TLS settings.</summary>
    private void ApplyTls(ServerOptions options, TlsSetup next)
    {
        ServerOptions merged = _options().Clone();
        merged.ApplyClientTls(options.ClientTls);
        _swapOptions(merged);
        bool pinsChanged = _tls()!.Swap(next);
        if (pinsChanged && next.PinnedCerts.Count > 0)
        {
            // As nats-server: clients whose key is no longer pinned are disconnected.
            List<ClientConnection> unpinned = [.. _clients.All.Where(c => c.PinnedKeyId is null || !next.PinnedCerts.Contains(c.PinnedKeyId))];
            if (unpinned.Count > 0)
            {
                _log.Notice($"Disconnect {unpinned.Count} clients due to pinned certs reload");
                foreach (ClientConnection client in unpinned)
                {
                    client.Close(ClosedReason.TlsHandshakeError);
                }
            }
        }

        _info.Update(info => info.TlsVerify = next.Verify);
    }
}
