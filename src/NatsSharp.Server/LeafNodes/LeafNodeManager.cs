using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// The leafnode side of a server: the listener leaf servers dial (we are their hub), the
/// remotes we dial (we are their leaf), and interest propagation to every leaf connection.
/// </summary>
internal sealed class LeafNodeManager
{
    private readonly NatsServer _server;
    private readonly ServerLog _log;
    private readonly ConcurrentDictionary<LeafConnection, byte> _leafs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerListener<LeafConnection> _peers;

    public LeafNodeManager(NatsServer server, LeafNodeOptions options)
    {
        _server = server;
        _log = server.Log;
        Options = options;
        LoopDetectionSubject = Encoding.ASCII.GetBytes("$LDS." + RandomToken());
        _peers = new PeerListener<LeafConnection>(server.Log, _stopping.Token);
        HubTls = options.Tls is { } tls && options.Port != 0 ? LeafHubTls.Load(tls) : null;
    }

    public LeafNodeOptions Options { get; }

    /// <summary>TLS on our leafnode listener, or null for plaintext.</summary>
    public LeafHubTls? HubTls { get; }

    /// <summary>Our <c>$LDS.</c> subject: seeing it come back from a leaf means a loop.</summary>
    public byte[] LoopDetectionSubject { get; }

    public int Port { get; private set; }

    public int Count => _leafs.Count;

    public IEnumerable<LeafConnection> All => _leafs.Keys;

    public void Start()
    {
        if (Options.Port != 0)
        {
            int port = Options.Port == ServerOptions.RandomPort ? 0 : Options.Port;
            _peers.Listen(Options.Host, port, "leafnode", socket => NewLeaf(socket, new NetworkStream(socket, ownsSocket: false), solicitedUrl: null, remote: null));
            Port = _peers.Port;
            _log.Notice($"Listening for leafnode connections on {NatsServer.HostPort(Options.Host, Port)}");
        }

        if (Options.Tls?.Insecure == true || Options.Remotes.Any(r => r.Tls?.Insecure == true))
        {
            _log.Warn("TLS certificate chain and hostname of solicited leafnodes will not be verified. DO NOT USE IN PRODUCTION!");
        }

        // Dialers load the remotes' TLS files now, so a bad one stops the start with its name.
        List<LeafDialer> dialers = [.. Options.Remotes.Select(r => new LeafDialer(r, _log))];
        foreach (LeafDialer dialer in dialers)
        {
            _ = SolicitLoopAsync(dialer);
        }
    }

    public async Task StopAsync()
    {
        _stopping.Cancel();
        await _peers.StopAsync("leafnode connections").ConfigureAwait(false);
    }

    private LeafConnection NewLeaf(Socket socket, Stream stream, Uri? solicitedUrl, LeafRemote? remote, bool tls = false) =>
        new(this, _server, _server.NextConnectionId(), socket, stream, solicitedUrl, remote) { DialledWithTls = tls };

    /// <summary>Dials a hub through its URLs in turn, forever, reconnect seconds apart (30 s after a loop).</summary>
    private async Task SolicitLoopAsync(LeafDialer dialer)
    {
        LeafRemote remote = dialer.Remote;
        int next = 0;
        int attempt = 0;
        while (!_stopping.IsCancellationRequested && remote.Urls.Count > 0)
        {
            Uri url = remote.Urls[next++ % remote.Urls.Count];
            TimeSpan delay = Options.ReconnectDelay;
            LeafDial? dial = null;
            try
            {
                dial = await dialer.DialAsync(url, _stopping.Token).ConfigureAwait(false);
                attempt = 0;
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                attempt++;
                _log.Debug($"Error trying to connect as leafnode to remote server \"{url.Host}:{LeafDialer.PortOf(url)}\" (attempt {attempt}): {ex.Message}");
            }

            if (dial is not null)
            {
                LeafConnection leaf = await _peers.RunAsync(NewLeaf(dial.Socket, dial.Stream, url, remote, dial.Tls), static l => l.RunAsync()).ConfigureAwait(false);
                if (leaf.DelayReconnect)
                {
                    delay = TimeSpan.FromSeconds(30);
                }
            }

            try
            {
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A leaf connection is up: it hears about the interest it should, and our loop-detection subject.</summary>
    public void Register(LeafConnection leaf)
    {
        _leafs[leaf] = 0;
        foreach (Subscription sub in _server.GlobalAccount.Sublist.All())
        {
            if (leaf.WantsInterestFrom(sub))
            {
                leaf.ChangeInterest(sub, +1);
            }
        }

        leaf.Send([.. "LS+ "u8, .. LoopDetectionSubject, .. "\r\n"u8]);
    }

    public void Unregister(LeafConnection leaf) => _leafs.TryRemove(leaf, out _);

    /// <summary>A subscription came or went somewhere: tell each leaf connection that should hear of it.</summary>
    public void OnInterest(Subscription sub, int delta)
    {
        foreach (LeafConnection leaf in _leafs.Keys)
        {
            if (leaf.WantsInterestFrom(sub))
            {
                leaf.ChangeInterest(sub, delta);
            }
        }
    }

    public bool Authenticate(ConnectOptions connect) =>
        Options.Username.Length == 0
        || (FixedTimeEquals(connect.User, Options.Username) & FixedTimeEquals(connect.Pass, Options.Password));

    private static bool FixedTimeEquals(string? given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given ?? ""), Encoding.UTF8.GetBytes(expected));

    /// <summary>The hub's INFO: the first one (info_on_connect) and the one answering CONNECT (connect_info).</summary>
    public byte[] BuildInfoLine(LeafConnection leaf, bool connectInfo)
    {
        string hostPort = NatsServer.HostPort(Options.Host is "0.0.0.0" or "" ? "127.0.0.1" : Options.Host, Port);
        var info = new ServerInfo
        {
            ServerId = _server.ServerId,
            ServerName = _server.ServerName,
            Version = ServerVersion.Compatible,
            Proto = 1,
            Go = ServerVersion.Runtime,
            Host = Options.Host,
            Port = Port,
            Headers = !_server.Options.NoHeaderSupport,
            AuthRequired = true, // a leaf always sends CONNECT
            TlsRequired = HubTls is not null,
            TlsVerify = HubTls?.Verify == true,
            MaxPayload = _server.Options.MaxPayload,
            Ip = hostPort,
            ClientId = leaf.Id,
            Nonce = connectInfo ? null : RandomToken(),
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : null,
            InfoOnConnect = true,
            ConnectInfo = connectInfo,
            LeafNodeUrls = [hostPort],
            RemoteAccount = connectInfo ? Auth.Account.GlobalName : null,
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        return [.. "INFO "u8, .. json, .. " \r\n"u8];
    }

    /// <summary>Our CONNECT to a hub, signed with the remote's credentials file if it has one; null if that file is unusable (logged).</summary>
    public byte[]? BuildConnect(LeafConnection leaf, string? nonce)
    {
        Uri url = leaf.SolicitedUrl!;
        var connect = new LeafConnect
        {
            TlsRequired = leaf.DialledWithTls,
            ServerId = _server.ServerId,
            Name = _server.ServerName,
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : _server.ServerName,
            Headers = !_server.Options.NoHeaderSupport,
        };
        if (leaf.Remote is { Credentials.Length: > 0 } remote)
        {
            _log.Debug(leaf.Prefix + $"Authenticating with credentials file \"{remote.Credentials}\"");
            if (!LeafCredentials.TrySign(remote.Credentials, nonce ?? "", out string jwt, out string sig, out string error))
            {
                _log.Error(leaf.Prefix + error);
                return null;
            }

            connect.Jwt = jwt;
            connect.Sig = sig;
        }
        else if (!string.IsNullOrEmpty(url.UserInfo))
        {
            string[] parts = url.UserInfo.Split(':', 2);
            connect.User = Uri.UnescapeDataString(parts[0]);
            connect.Pass = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(connect, ProtocolJson.Default.LeafConnect);
        return [.. "CONNECT "u8, .. json, .. "\r\n"u8];
    }

    private static string RandomToken()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<byte> random = stackalloc byte[22];
        RandomNumberGenerator.Fill(random);
        var token = new StringBuilder(22);
        foreach (byte b in random)
        {
            token.Append(alphabet[b % alphabet.Length]);
        }

        return token.ToString();
    }
}
