using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// The leafnode side of a server: the listener leaf servers dial (we are their hub), the
/// remotes we dial (we are their leaf), and interest propagation to every leaf connection.
/// Each connection is bound to one local account and hears only about that account's interest.
/// </summary>
internal sealed class LeafNodeManager
{
    private readonly NatsServer _server;
    private readonly ServerLog _log;
    private readonly ConcurrentDictionary<LeafConnection, byte> _leafs = new();
    private readonly ConcurrentDictionary<string, byte[]> _loopSubjects = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerListener<LeafConnection> _peers;

    public LeafNodeManager(NatsServer server, LeafNodeOptions options)
    {
        _server = server;
        _log = server.Log;
        Options = options;
        _peers = new PeerListener<LeafConnection>(server.Log, _stopping.Token);
    }

    public LeafNodeOptions Options { get; }

    /// <summary>Our <c>$LDS.</c> subject for an account (one per account, as nats-server): seeing it come back means a loop.</summary>
    public byte[] LoopDetectionSubject(Account account) =>
        _loopSubjects.GetOrAdd(account.Name, static _ => Encoding.ASCII.GetBytes("$LDS." + RandomToken()));

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

    /// <param name="account">The remote's local account for a connection we dial; null for an accepted one (bound at CONNECT).</param>
    private LeafConnection NewLeaf(Socket socket, Uri? solicitedUrl, Account? account = null) =>
        new(this, _server, _server.NextConnectionId(), socket, new NetworkStream(socket, ownsSocket: false), solicitedUrl, account);

    /// <summary>Dials a hub through its URLs in turn, forever, reconnect seconds apart (30 s after a loop).</summary>
    private async Task SolicitLoopAsync(LeafRemote remote)
    {
        string accountName = remote.LocalAccount.Length == 0 ? Account.GlobalName : remote.LocalAccount;
        if (_server.FindAccount(accountName) is not { } account)
        {
            // Only $SYS gets here (start-up checks refuse other unknown accounts): NatsSharp has no system account.
            _log.Error($"Unable to lookup account {accountName} for solicited leafnode connection: account not found");
            return;
        }

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
                LeafConnection leaf = await _peers.RunAsync(NewLeaf(socket, url, account), static l => l.RunAsync()).ConfigureAwait(false);
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

    /// <summary>A leaf connection is up: it hears about its account's interest, and our loop-detection subject for it.</summary>
    public void Register(LeafConnection leaf)
    {
        Account account = leaf.Account!;
        _leafs[leaf] = 0;
        foreach (Subscription sub in account.Sublist.All())
        {
            if (leaf.WantsInterestFrom(sub))
            {
                leaf.ChangeInterest(sub, +1);
            }
        }

        leaf.Send([.. "LS+ "u8, .. LoopDetectionSubject(account), .. "\r\n"u8]);
    }

    public void Unregister(LeafConnection leaf) => _leafs.TryRemove(leaf, out _);

    /// <summary>A subscription came or went somewhere: tell each leaf connection of its account that should hear of it.</summary>
    public void OnInterest(Subscription sub, int delta)
    {
        foreach (LeafConnection leaf in _leafs.Keys)
        {
            if (leaf.Account!.Name == sub.AccountName && leaf.WantsInterestFrom(sub))
            {
                leaf.ChangeInterest(sub, delta);
            }
        }
    }

    /// <summary>The account an accepted leaf binds to from its CONNECT, or null when its credentials are refused.</summary>
    public Account? BindAccount(ConnectOptions connect, string? nonce)
    {
        string? name = LeafAuthorization.BindAccount(_server.Options, _server.CurrentAuthenticator, connect, nonce);
        return name is null ? null : _server.FindAccount(name);
    }

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
            Nonce = connectInfo ? null : leaf.Nonce,
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : null,
            InfoOnConnect = true,
            ConnectInfo = connectInfo,
            LeafNodeUrls = [hostPort],
            RemoteAccount = connectInfo ? leaf.Account?.Name : null,
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        return [.. "INFO "u8, .. json, .. " \r\n"u8];
    }

    /// <param name="compressionOffered">The hub's INFO named a compression mode (2.10): we answer "off", as we never compress.</param>
    public byte[] BuildConnect(Uri url, bool compressionOffered)
    {
        var connect = new LeafConnect
        {
            ServerId = _server.ServerId,
            Name = _server.ServerName,
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : _server.ServerName,
            Headers = !_server.Options.NoHeaderSupport,
            CompressMode = compressionOffered ? CompressionOptions.Off : null,
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

    internal static string RandomToken()
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
