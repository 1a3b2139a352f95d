using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Tls;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;

namespace NatsSharp.Server;

/// <summary>
/// The broker: owns the client listener, the accounts and the connection registry.
/// Several instances can run in one process; each has its own options and ports.
/// </summary>
public sealed partial class NatsServer : IAsyncDisposable
{
    private readonly ClientRegistry _clients = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerOptions _options;
    private Authenticator _authenticator; // swapped whole on reload; read with Volatile.Read
    private Socket? _listener;
    private Task? _acceptLoop;
    private ServerInfo _info = new();
    private long _nextClientId;
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
        Internal = new ServerClient(Stats, Log, OnSubscriptionChanged);

        _authenticator = new Authenticator(Options);
        _webSocketAuthenticator = WebSocketAuthenticatorFor(Options);
    }

    /// <summary>
    /// The options in force (a copy of what was passed in). A reload swaps in a new
    /// instance, so readers take one snapshot and never see a half-applied change.
    /// </summary>
    public ServerOptions Options => Volatile.Read(ref _options);

    public string ServerId { get; }

    public string ServerName => Options.ServerName.Length > 0 ? Options.ServerName : ServerId;

    /// <summary>The bound client port (resolved when the options asked for a random one).</summary>
    public int Port { get; private set; }

    /// <summary>The client URL, e.g. nats://127.0.0.1:4222.</summary>
    public string ClientUrl => $"nats://{UrlHost(Options.Host)}:{Port}";

    public ServerStats Stats { get; } = new();

    /// <summary>Completes when the server has stopped.</summary>
    public Task Stopped => _stopped.Task;

    public int ClientCount => _clients.Count;

    /// <summary>Shutdown has begun.</summary>
    internal bool IsStopping => Volatile.Read(ref _state) == 2;

    public DateTime StartTime { get; private set; }

    internal ServerLog Log { get; }

    /// <summary>The accounts and the links imports make between them.</summary>
    internal AccountRegistry Accounts { get; }

    /// <summary>The server's own client: handlers subscribed in accounts (system services, JetStream) and its publishes.</summary>
    internal ServerClient Internal { get; }

    internal Account GlobalAccount => Accounts.Global;

    /// <summary>Every account: "$G" and the configured ones.</summary>
    internal IEnumerable<Account> AllAccounts => Accounts.All;

    /// <summary>A configured account by name ("$G" included), or null.</summary>
    internal Account? FindAccount(string name) => Accounts.Find(name);

    internal bool AuthRequired => Volatile.Read(ref _authenticator).Required;

    internal Authenticator CurrentAuthenticator => Volatile.Read(ref _authenticator);

    /// <summary>Who websocket clients are: the server's authenticator, or the websocket block's override.</summary>
    internal Authenticator WebSocketAuthenticator => Volatile.Read(ref _webSocketAuthenticator) ?? CurrentAuthenticator;

    /// <summary>Client TLS, loaded at start (null when clients speak plaintext, or a <c>tls { }</c> block has no certificate).</summary>
    internal TlsSetup? Tls { get; private set; }

    /// <summary>Clients are offered TLS: with a certificate (<see cref="Tls"/>), or without one (every handshake fails, as in nats-server).</summary>
    internal bool ClientTlsOn => Tls is not null || Options.TlsWithoutCertificate;

    internal IEnumerable<ClientConnection> Clients => _clients.All;

    /// <summary>Binds the client port and starts accepting. Throws <see cref="NatsServerException"/> on failure.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The server was already started.");
        }

        Validate(Options);
        StartTime = DateTime.UtcNow;
        LogStartup();
        Tls = Options.TlsEnabled && !Options.TlsWithoutCertificate ? TlsSetup.Load(Options.ClientTls) : null;
        if (Tls is not null)
        {
            StartTlsRateLog();
        }
        await StartMonitoringAsync().ConfigureAwait(false);
        try
        {
            _listener = Listen(Options.Host, Options.Port);
            StartWebSocket();
        }
        catch (NatsServerException)
        {
            _listener?.Dispose();
            await StopMonitoringAsync().ConfigureAwait(false);
            throw;
        }

        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _info = CreateInfo();
        _webSocket?.Start();      // bound above; clients get INFO from here on
        Log.Notice($"Listening for client connections on {HostPort(Options.Host, Port)}");
        if (ClientTlsOn)
        {
            Log.Notice("TLS required for client connections"); // nats-server's words, allow_non_tls or not
        }

        Log.Notice("Server is ready");
        StartLeafNodes();         // the listener first: route INFO carries our leafnode URL
        StartCluster();
        LeafNodes?.StartRemotes(); // after the cluster: our leaf CONNECT names it
        Accounts.InstallImports(Options.Accounts);
        Internal.Start();
        StartJetStream();
        _acceptLoop = AcceptLoopAsync(_listener);
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
        _listener?.Dispose();
        await StopWebSocketAsync().ConfigureAwait(false);
        StopTlsRateLog();
        await StopMonitoringAsync().ConfigureAwait(false);
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        await StopClusterAsync().ConfigureAwait(false);
        await StopLeafNodesAsync().ConfigureAwait(false);
        await StopJetStreamAsync().ConfigureAwait(false);
        await Internal.StopAsync().ConfigureAwait(false);
        await _clients.CloseAllAsync(Log, cancellationToken).ConfigureAwait(false);

        Log.Notice("Server Exiting..");
        _stopped.TrySetResult();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

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

    private static Socket Listen(string host, int port)
    {
        IPAddress address = ResolveListenAddress(host);
        // As nats-server: 0 means the default port, -1 a random one.
        int bindPort = port switch { ServerOptions.RandomPort => 0, 0 => ServerOptions.DefaultPort, _ => port };
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // SO_REUSEADDR only (as Go sets it), so a restart is not blocked by TIME_WAIT;
            // .NET's ReuseAddress option would also set SO_REUSEPORT and let two servers share a port.
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
            }
            socket.Bind(new IPEndPoint(address, bindPort));
            socket.Listen(512);
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            string hp = HostPort(host, bindPort);
            throw new NatsServerException($"Error listening on port: {hp}, \"listen tcp {hp}: bind: {SocketErrorText(ex)}\"", ex);
        }
    }

    internal static IPAddress ResolveListenAddress(string host)
    {
        if (host.Length == 0 || host == "0.0.0.0")
        {
            return IPAddress.Any;
        }

        if (host is "::" or "[::]")
        {
            return IPAddress.IPv6Any;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? parsed))
        {
            return parsed;
        }

        IPAddress[] resolved = Dns.GetHostAddresses(host);
        return resolved.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? resolved[0];
    }

    private static string SocketErrorText(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        SocketError.AccessDenied => "permission denied",
        _ => ex.Message,
    };

    internal static string HostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";

    private static string UrlHost(string host) => host is "0.0.0.0" or "" ? "127.0.0.1" : host;

    private ServerInfo CreateInfo()
    {
        string host = Options.Host;
        int port = Port;
        if (Options.ClientAdvertise.Length > 0)
        {
            (host, int? advertisedPort) = SplitHostPort(Options.ClientAdvertise);
            port = advertisedPort ?? port;
        }

        return new ServerInfo
        {
            ServerId = ServerId,
            ServerName = ServerName,
            Version = ServerVersion.Compatible,
            Proto = 1,
            Go = ServerVersion.Runtime,
            Host = host,
            Port = port,
            Headers = !Options.NoHeaderSupport,
            AuthRequired = AuthRequired,
            TlsRequired = ClientTlsOn && !Options.AllowNonTls,
            TlsAvailable = ClientTlsOn && Options.AllowNonTls,
            TlsVerify = ClientTlsOn && (Options.TlsVerify || Options.TlsMap),
            MaxPayload = Options.MaxPayload,
            JetStream = Options.JetStream is not null,
            Cluster = Cluster?.Name,
            ConnectUrls = ClusterConnectUrls(),
        };
    }

    internal static (string Host, int? Port) SplitHostPort(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon > 0 && int.TryParse(hostPort.AsSpan(colon + 1), out int port) && !hostPort.EndsWith(']'))
        {
            return (hostPort[..colon].Trim('[', ']'), port);
        }

        return (hostPort, null);
    }

    /// <summary>The INFO line for one client: the server's INFO plus its client_id and client_ip.</summary>
    internal byte[] BuildInfo(ClientConnection client, bool lameDuck = false)
    {
        ServerInfo info = _info.Clone();
        Authenticator auth = client.Auth;
        info.AuthRequired = auth.Required;
        if (client.IsWebSocket)
        {
            info.ConnectUrls = null; // those are the cluster's NATS ports; websocket URLs are not gossiped yet
        }

        info.LameDuckMode = lameDuck;
        info.MaxPayload = client.MaxPayload; // the account's max_payload when it is lower
        info.ClientId = client.Id;
        info.ClientIp = client.RemoteHost;
        info.Nonce = client.Nonce;
        if (info.AuthRequired && auth.NoAuthIdentity is not null)
        {
            info.AuthRequired = false; // as nats-server: with no_auth_user a client need not authenticate
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        byte[] line = new byte[5 + json.Length + 3];
        "INFO "u8.CopyTo(line);
        json.CopyTo(line, 5);
        " \r\n"u8.CopyTo(line.AsSpan(5 + json.Length));
        return line;
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (Volatile.Read(ref _state) != 1 || IsLameDuck)
                {
                    return; // listener closed by StopAsync or lame-duck mode
                }

                Log.Error($"Error accepting client connection: {ex.Message}");
                continue;
            }

            try
            {
                socket.NoDelay = true;
                Accept(socket, new NetworkStream(socket, ownsSocket: false), webSocket: false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                socket.Dispose(); // the peer went away before we could set it up
            }
        }
    }

    /// <summary>Registers and runs a client; <paramref name="stream"/> is the socket's, or websocket frames over it.</summary>
    private void Accept(Socket socket, Stream stream, bool webSocket)
    {
        ulong id = NextConnectionId();
        var client = new ClientConnection(this, id, socket, stream, webSocket);
        Stats.AddConnection();
        if (!_clients.TryAdd(client, Options.MaxConnections))
        {
            // nats-server sends INFO first, then the error, then closes.
            Log.Error($"{client.RemoteHost}:{client.RemotePort} - cid:{id} - maximum connections exceeded");
            client.EnqueueProtocol(BuildInfo(client));
            client.SendErrAndClose("maximum connections exceeded", ClosedReason.MaxConnectionsExceeded);
        }

        _clients.Run(client);
        if (Volatile.Read(ref _state) != 1)
        {
            client.Close(ClosedReason.ServerShutdown);
        }
    }

    internal void RemoveClient(ClientConnection client) => _clients.Remove(client);

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
