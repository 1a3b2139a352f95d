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
    }

    public LeafNodeOptions Options { get; }

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
            _peers.Listen(Options.Host, port, "leafnode", socket => NewLeaf(socket, solicitedUrl: null));
            Port = _peers.Port;
            _log.Notice($"Listening for leafnode connections on {NatsServer.HostPort(Options.Host, Port)}");
        }

        foreach (LeafRemote remote in Options.Remotes)
        {
            _ = SolicitLoopAsync(remote);
        }
    }

    public async Task StopAsync()
    {
        _stopping.Cancel();
        await _peers.StopAsync("leafnode connections").ConfigureAwait(false);
    }

    private LeafConnection NewLeaf(Socket socket, Uri? solicitedUrl) =>
        new(this, _server, _server.NextConnectionId(), socket, new NetworkStream(socket, ownsSocket: false), solicitedUrl);

    /// <summary>Dials a hub through its URLs in turn, forever, reconnect seconds apart (30 s after a loop).</summary>
    private async Task SolicitLoopAsync(LeafRemote remote)
    {
        int next = 0;
        int attempt = 0;
        while (!_stopping.IsCancellationRequested && remote.Urls.Count > 0)
        {
            Uri url = remote.Urls[next++ % remote.Urls.Count];
            int port = url.IsDefaultPort || url.Port <= 0 ? LeafNodeOptions.DefaultPort : url.Port;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            TimeSpan delay = Options.ReconnectDelay;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                await socket.ConnectAsync(url.Host, port, timeout.Token).ConfigureAwait(false);
                attempt = 0;
                LeafConnection leaf = await _peers.RunAsync(NewLeaf(socket, url), static l => l.RunAsync()).ConfigureAwait(false);
                if (leaf.DelayReconnect)
                {
                    delay = TimeSpan.FromSeconds(30);
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
                attempt++;
                _log.Debug($"Error trying to connect as leafnode to remote server \"{url.Host}:{port}\" (attempt {attempt}): {ex.Message}");
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

    public byte[] BuildConnect(Uri url)
    {
        var connect = new LeafConnect
        {
            ServerId = _server.ServerId,
            Name = _server.ServerName,
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : _server.ServerName,
            Headers = !_server.Options.NoHeaderSupport,
        };
        if (!string.IsNullOrEmpty(url.UserInfo))
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
