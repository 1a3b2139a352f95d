using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Internal;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Reload;
using NatsSharp.Server.Tls;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server;

/// <summary>
/// The broker's composition root: builds the parts (accounts, client port, websocket port, cluster,
/// leafnodes, monitoring, the server's own client, reload, lame duck), starts and stops them in order,
/// and passes on what one part tells another. Several instances can run in one process; each has its
/// own options and ports. The partial files plug in the parts that are not the core: .Peers (routes and
/// leafnodes), .JetStream, .SystemAccount, .Metrics.
/// </summary>
public sealed partial class NatsServer : IAsyncDisposable
{
    private readonly ClientRegistry _clients = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ClientAuthorization _authorization;
    private readonly ClientPort _clientPort;
    private readonly ServerReloader _reloader;
    private readonly LameDuck _lameDuck;
    private ServerOptions _options;
    private ClientTls? _tls;
    private (WebSocketListener Listener, int Port)? _webSocket;
    private ServerMonitor? _monitor;
    private Monitoring.MonitorPort? _monitorPort;
    private long _nextConnectionId;
    private int _state; // 0 new, 1 running, 2 stopping/stopped

    public NatsServer(ServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("NatsSharp.Server");
        Log = new ServerLog(logger)
        {
            IsDebug = Options.Debug,
            IsTrace = Options.Trace || Options.TraceVerbose,
        };
        ServerId = ServerIdentity.NewServerId();
        Accounts = new AccountRegistry(Options.Accounts, !Options.DisableSublistCache, Log, OnSubscriptionChanged);
        Accounts.SetGlobalMappings(Options.Mappings);
        Internal = new ServerClient(Stats, Log, OnSubscriptionChanged);
        _authorization = new ClientAuthorization(new Authenticator(Options), WebSocketAuth.AuthenticatorFor(Options));
        ClientInfo = new ClientInfo(CreateInfo);
        _clientPort = new ClientPort(
            _clients,
            ClientInfo,
            Stats,
            Log,
            (socket, stream, webSocket) => new ClientConnection(this, NextConnectionId(), socket, stream, webSocket),
            () => Options.MaxConnections,
            () => IsRunning);
        _reloader = new ServerReloader(
            () => Options,
            next => Volatile.Write(ref _options, next),
            Validate,
            Log,
            _authorization,
            () => _tls,
            _clients,
            ClientInfo,
            Accounts,
            () => Cluster,
            () => LeafNodes,
            () => SystemEvents?.RefreshImports(), // a new account imports the system services, as at start
            () => IsRunning);
        _lameDuck = new LameDuck(_clientPort, _clients, ClientInfo, Log, () => Options, () => IsRunning, Stopped);
    }

    /// <summary>
    /// The options in force (a copy of what was passed in). A reload swaps in a new
    /// instance, so readers take one snapshot and never see a half-applied change.
    /// </summary>
    public ServerOptions Options => Volatile.Read(ref _options);

    public string ServerId { get; }

    public string ServerName => Options.ServerName.Length > 0 ? Options.ServerName : ServerId;

    /// <summary>The bound client port (resolved when the options asked for a random one).</summary>
    public int Port => _clientPort.Port;

    /// <summary>The client URL, e.g. nats://127.0.0.1:4222.</summary>
    public string ClientUrl => $"nats://{(Options.Host is "0.0.0.0" or "" ? "127.0.0.1" : Options.Host)}:{Port}";

    /// <summary>The bound websocket port, or 0.</summary>
    public int WebSocketPort => _webSocket?.Port ?? 0;

    /// <summary>The bound monitoring port (HTTP or HTTPS), or 0 when monitoring is off.</summary>
    public int MonitorPort { get; private set; }

    /// <summary>True when <see cref="MonitorPort"/> serves HTTPS.</summary>
    public bool MonitorIsHttps => Options.HttpPort == 0 && Options.HttpsPort != 0;

    public ServerStats Stats { get; } = new();

    /// <summary>Completes when the server has stopped.</summary>
    public Task Stopped => _stopped.Task;

    public int ClientCount => _clients.Count;

    public DateTime StartTime { get; private set; }

    /// <summary>True once lame-duck mode has begun.</summary>
    public bool IsLameDuck => _lameDuck.IsActive;

    /// <summary>
    /// Called during a reload, after the new options are in force and before the
    /// <c>Reloaded:</c> lines are logged, with the old and new options. The daemon
    /// reconfigures its log sinks and pid file here; embedders may do the same.
    /// </summary>
    public Action<ServerOptions, ServerOptions>? Reloading
    {
        get => _reloader.Reloading;
        set => _reloader.Reloading = value;
    }

    /// <summary>
    /// Reloads the configuration file, as SIGHUP does; set by the host that knows how to read it
    /// (the daemon: file, includes, command-line flags that win). Returns null or the reason it failed.
    /// </summary>
    public Func<string?>? ConfigReloader
    {
        get => _reloader.ConfigReloader;
        set => _reloader.ConfigReloader = value;
    }

    /// <summary>Shutdown has begun.</summary>
    internal bool IsStopping => Volatile.Read(ref _state) == 2;

    /// <summary>Started and not stopping.</summary>
    private bool IsRunning => Volatile.Read(ref _state) == 1;

    internal ServerLog Log { get; }

    /// <summary>The accounts and the links imports make between them.</summary>
    internal AccountRegistry Accounts { get; }

    /// <summary>The server's own client: handlers subscribed in accounts (system services, JetStream) and its publishes.</summary>
    internal ServerClient Internal { get; }

    /// <summary>The INFO clients get and the asynchronous INFO rules.</summary>
    internal ClientInfo ClientInfo { get; }

    /// <summary>The registered clients (the system account's KICK).</summary>
    internal ClientRegistry ClientRegistry => _clients;

    /// <summary>Reload (the system account's RELOAD).</summary>
    internal ServerReloader Reloader => _reloader;

    /// <summary>Lame-duck mode (the system account's LDM).</summary>
    internal LameDuck LameDuckMode => _lameDuck;

    internal Account GlobalAccount => Accounts.Global;

    /// <summary>Every account: "$G" and the configured ones.</summary>
    internal IEnumerable<Account> AllAccounts => Accounts.All;

    /// <summary>A configured account by name ("$G" included), or null.</summary>
    internal Account? FindAccount(string name) => Accounts.Find(name);

    internal bool AuthRequired => _authorization.Required;

    internal Authenticator CurrentAuthenticator => _authorization.Server;

    /// <summary>Who websocket clients are: the server's authenticator, or the websocket block's override.</summary>
    internal Authenticator WebSocketAuthenticator => _authorization.WebSocket;

    /// <summary>Client TLS, loaded at start (null when clients speak plaintext, or a <c>tls { }</c> block has no certificate).</summary>
    internal TlsSetup? Tls => _tls?.Setup;

    /// <summary>Clients are offered TLS: with a certificate (<see cref="Tls"/>), or without one (every handshake fails, as in nats-server).</summary>
    internal bool ClientTlsOn => ClientTls.IsOn(_tls, Options);

    internal IEnumerable<ClientConnection> Clients => _clients.All;

    // Created on first use by whichever thread gets there first; all callers see the same one.
    internal ServerMonitor Monitor => Volatile.Read(ref _monitor) ?? LazyInitializer.EnsureInitialized(ref _monitor, () => new ServerMonitor(this)); // no delegate per call once made (each closed client asks)

    /// <summary>
    /// Starts the parts in nats-server's order (Start() in server.go): the monitoring port first, then the
    /// JetStream, the system account and the leafnode port; the client port is bound only when its accept loop
    /// starts (a dial before that is refused, and clients retry), then the routes. Returns once every port
    /// serves. Throws <see cref="NatsServerException"/> on failure, with whatever had started stopped again.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        Validate(Options);
        StartTime = DateTime.UtcNow;
        LogStartup();
        _tls = new ClientTls(Options, Log);
        try
        {
            _monitorPort = Monitoring.MonitorPort.Open(Options, Monitor, Tls?.Certificate, Log);
        }
        catch (NatsServerException)
        {
            _tls.Dispose();
            throw;
        }

        MonitorPort = _monitorPort?.Port ?? 0;
        Task monitorStarted = _monitorPort?.Start() ?? Task.CompletedTask;
        try
        {
            CreateCluster(); // its name is in the client INFO from the first client on, and subscriptions reach it from the first on
            Accounts.InstallImports(Options.Accounts);
            Internal.Start();
            StartJetStream();
            StartSystemAccount();
            StartLeafNodes(); // the listener before the routes: route INFO carries our leafnode URL
            _webSocket = WebSocket.WebSocketPort.Bind(Options, Log, (socket, stream) => _clientPort.Accept(socket, stream, webSocket: true));
            _clientPort.Bind(Options.Host, Options.Port);
            ClientInfo.Refresh();
            _ = Metrics; // the meter exists before the first client, for in-process listeners
            _clientPort.Start();
            _webSocket?.Listener.Start();
            Log.Notice($"Listening for client connections on {TcpListen.HostPort(Options.Host, Port)}");
            if (ClientTlsOn)
            {
                Log.Notice("TLS required for client connections"); // nats-server's words, allow_non_tls or not
            }

            Log.Notice("Server is ready");
            StartCluster();            // after the client port: route INFO carries our client URLs
            LeafNodes?.StartRemotes(); // after the cluster: our leaf CONNECT names it
            await monitorStarted.ConfigureAwait(false); // StartAsync returns with every port serving
        }
        catch
        {
            await AbortStartAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A part failed to start: stops what had started, without the shutdown's log lines.</summary>
    private async Task AbortStartAsync()
    {
        Interlocked.Exchange(ref _state, 2);
        _clientPort.Close();
        await StopWebSocketAsync().ConfigureAwait(false);
        await StopMonitoringAsync().ConfigureAwait(false);
        await _clientPort.Completion.ConfigureAwait(false);
        await StopSystemAccountAsync().ConfigureAwait(false);
        await StopPeersAsync().ConfigureAwait(false);
        await StopJetStreamAsync().ConfigureAwait(false);
        await Internal.StopAsync().ConfigureAwait(false);
        await _clients.CloseAllAsync(Log, CancellationToken.None).ConfigureAwait(false);
        StopMetrics();
        _tls?.Dispose();
        _stopped.TrySetResult();
    }

    /// <summary>Stops accepting, closes every connection and waits (bounded) for them to finish.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            _stopped.TrySetResult();
            return;
        }

        Log.Notice("Initiating Shutdown...");
        await StopSystemAccountAsync().ConfigureAwait(false);
        _clientPort.Close();
        await StopWebSocketAsync().ConfigureAwait(false);
        _tls?.Dispose();
        await StopMonitoringAsync().ConfigureAwait(false);
        await _clientPort.Completion.ConfigureAwait(false);
        await StopPeersAsync().ConfigureAwait(false);
        await StopJetStreamAsync().ConfigureAwait(false);
        await Internal.StopAsync().ConfigureAwait(false);
        await _clients.CloseAllAsync(Log, cancellationToken).ConfigureAwait(false);
        StopMetrics();

        Log.Notice("Server Exiting..");
        _stopped.TrySetResult();
    }

    /// <summary>
    /// Replaces the running options with <paramref name="newOptions"/>. When any option
    /// that cannot change live differs, throws <see cref="NatsServerException"/> with
    /// nats-server's message (<c>config reload not supported for Port: old=4222, new=4223</c>)
    /// and changes nothing.
    /// </summary>
    public void Reload(ServerOptions newOptions)
    {
        ArgumentNullException.ThrowIfNull(newOptions);
        _reloader.Reload(newOptions);
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
        _reloader.ReloadAuthorization(options);
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
        _reloader.ReloadTls(options);
    }

    /// <summary>
    /// Enters lame-duck mode and completes when the server has stopped. Clients are
    /// closed one by one over <see cref="ServerOptions.LameDuckDuration"/> minus the
    /// grace period (at most a second apart), so they do not all reconnect elsewhere at once.
    /// </summary>
    public Task LameDuckAsync() =>
        _lameDuck.RunAsync(StopWebSocketAsync, () => Cluster?.AnnounceLameDuck(), () => StopAsync());

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>The checks nats-server makes of the options at start (also at reload).</summary>
    internal static void Validate(ServerOptions options)
    {
        // nats-server checks this at start only (not under -t), before everything else, without a file position.
        if (options.LameDuckDuration > TimeSpan.Zero && options.LameDuckGracePeriod >= options.LameDuckDuration)
        {
            throw new NatsServerException(
                $"lame duck grace period ({GoDuration.Format(options.LameDuckGracePeriod.Ticks * 100)}) should be strictly lower than lame duck duration ({GoDuration.Format(options.LameDuckDuration.Ticks * 100)})");
        }

        if (options.MaxPayload > options.MaxPending)
        {
            throw new NatsServerException($"max_payload ({options.MaxPayload}) cannot be higher than max_pending ({options.MaxPending})");
        }

        Authenticator.ValidateOptions(options);
        UnsupportedFeatures.Validate(options);
        if (options.SystemAccount.Length > 0 && !options.Accounts.Any(a => a.Name == options.SystemAccount))
        {
            throw new NatsServerException("error resolving system account: account missing");
        }

        if (AccountLinks.Validate(options.Accounts) is [string first, ..])
        {
            throw new NatsServerException(first);
        }

        NatsSharp.Server.LeafNodes.LeafNodeOptions.Validate(options);
    }

    private void LogStartup()
    {
        Log.Notice("Starting nats-server");
        Log.Notice($"  Version:  {ServerVersion.Compatible} (NatsSharp {ServerVersion.Product})");
        Log.Notice("  Git:      [not set]");
        Log.Debug($"  Go build: {ServerVersion.Runtime}");
        Log.Notice($"  Name:     {ServerName}");
        Log.Notice($"  ID:       {ServerId}");
        if (Options.ConfigFile.Length > 0)
        {
            Log.Notice($"Using configuration file: {Options.ConfigFile}");
        }

        foreach (string warning in UnsupportedFeatures.Warnings(Options))
        {
            Log.Warn(warning);
        }

        if (Options.MaxPayload > 8 * 1024 * 1024)
        {
            Log.Warn("Maximum payloads over 8.00 MB are generally discouraged and could lead to poor performance");
        }
    }

    /// <summary>The client INFO template from what the parts say now.</summary>
    private ServerInfo CreateInfo() =>
        ClientInfo.CreateTemplate(Options, ServerId, ServerName, Port, AuthRequired, ClientTlsOn, Cluster?.Name, ConnectUrlsForClients());

    /// <summary>connect_urls for client INFO and /varz: ours and the cluster peers' (none in lame duck of our own).</summary>
    internal string[]? ConnectUrlsForClients() =>
        Cluster?.ConnectUrlsForClients(IsLameDuck ? [] : ClientUrls.Own(Options, Port));

    /// <summary>This server's client URLs, as the cluster advertises them to peers.</summary>
    internal List<string> OwnClientUrls() => ClientUrls.Own(Options, Port);

    /// <summary>Connection ids are shared by every kind of connection, as in nats-server.</summary>
    internal ulong NextConnectionId() => (ulong)Interlocked.Increment(ref _nextConnectionId);

    internal void RemoveClient(ClientConnection client) => _clients.Remove(client);

    /// <summary>Called from the single close path: keeps the connection for /connz?state=closed and its counters for /accstatz.</summary>
    internal void RecordClosed(ClientConnection client, ClosedReason reason) => Monitor.RecordClosed(client, reason);

    private async Task StopWebSocketAsync()
    {
        if (_webSocket is { } ws)
        {
            await ws.Listener.StopAsync().ConfigureAwait(false);
        }
    }

    private async Task StopMonitoringAsync()
    {
        if (_monitorPort is not null)
        {
            await _monitorPort.DisposeAsync().ConfigureAwait(false); // once: StopAsync runs once, and not after a failed start
            _monitorPort = null;
        }
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
