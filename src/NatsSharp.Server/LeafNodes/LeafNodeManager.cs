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
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// The leafnode side of a server: the listener leaf servers dial (we are their hub), the
/// remotes we dial (we are their leaf), and interest propagation to every leaf connection.
/// Each connection is bound to one local account and hears only about that account's interest.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "StopAsync cancels _stopping; dial loops that linked to its token may still be winding down, so it is never disposed (it has no timer).")]
internal sealed class LeafNodeManager
{
    private readonly NatsServer _server;
    private readonly ServerLog _log;
    private readonly ConcurrentDictionary<LeafConnection, byte> _leafs = new();
    private readonly ConcurrentDictionary<string, byte[]> _loopSubjects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _peerUrls = new(StringComparer.Ordinal); // server id -> leafnode URL
    private readonly ConcurrentDictionary<LeafRemote, LeafDialer> _dialers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerListener<LeafConnection> _peers;

    public LeafNodeManager(NatsServer server, LeafNodeOptions options)
    {
        _server = server;
        _log = server.Log;
        Options = options;
        _peers = new PeerListener<LeafConnection>(server.Log, _stopping.Token);
        HubTls = options.Tls is { } tls && options.Port != 0 ? LeafHubTls.Load(tls) : null;
    }

    public LeafNodeOptions Options { get; }

    /// <summary>TLS on our leafnode listener, or null for plaintext.</summary>
    public LeafHubTls? HubTls { get; }

    /// <summary>Our <c>$LDS.</c> subject for an account (one per account, as nats-server): seeing it come back means a loop.</summary>
    public byte[] LoopDetectionSubject(Account account) =>
        _loopSubjects.GetOrAdd(account.Name, static _ => Encoding.ASCII.GetBytes("$LDS." + RandomToken()));

    public int Port { get; private set; }

    public int Count => _leafs.Count;

    public IEnumerable<LeafConnection> All => _leafs.Keys;

    /// <summary>Binds the leafnode listener (before the cluster starts, so route INFO can carry our leafnode URL).</summary>
    public void Listen()
    {
        if (Options.Port != 0)
        {
            int port = Options.Port == ServerOptions.RandomPort ? 0 : Options.Port;
            _peers.Listen(Options.Host, port, "leafnode", socket => NewLeaf(socket, new NetworkStream(socket, ownsSocket: false), solicitedUrl: null, remote: null, account: null));
            Port = _peers.Port;
            _log.Notice($"Listening for leafnode connections on {TcpListen.HostPort(Options.Host, Port)}");
        }
    }

    /// <summary>Starts dialling the remotes (after the cluster started, so our CONNECT names the cluster).</summary>
    public void StartRemotes()
    {
        if (Options.Tls?.Insecure == true || Options.Remotes.Any(r => r.Tls?.Insecure == true))
        {
            _log.Warn("TLS certificate chain and hostname of solicited leafnodes will not be verified. DO NOT USE IN PRODUCTION!");
        }

        // Dialers load the remotes' TLS files now, so a bad one stops the start with its name.
        List<LeafDialer> dialers = [.. Options.Remotes.Select(r => new LeafDialer(r, _log))];
        foreach (LeafDialer dialer in dialers)
        {
            _dialers[dialer.Remote] = dialer;
            _ = SolicitLoopAsync(dialer);
        }
    }

    public async Task StopAsync()
    {
        _stopping.Cancel();
        await _peers.StopAsync("leafnode connections").ConfigureAwait(false);
    }

    /// <param name="account">The remote's local account for a connection we dial; null for an accepted one (bound at CONNECT).</param>
    private LeafConnection NewLeaf(Socket socket, Stream stream, Uri? solicitedUrl, LeafRemote? remote, Account? account, bool tls = false) =>
        new(this, _server, _server.NextConnectionId(), socket, stream, solicitedUrl, account, remote) { DialledWithTls = tls };

    /// <summary>Dials a hub through its URLs in turn, forever, reconnect seconds apart (30 s after a loop).</summary>
    private async Task SolicitLoopAsync(LeafDialer dialer)
    {
        LeafRemote remote = dialer.Remote;
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
            IReadOnlyList<Uri> urls = dialer.Urls; // the hub's cluster's URLs first, then the configured ones
            Uri url = urls[next++ % urls.Count];
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
                LeafConnection leaf = await _peers.RunAsync(NewLeaf(dial.Socket, dial.Stream, url, remote, account, dial.Tls), static l => l.RunAsync()).ConfigureAwait(false);
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

        AnnounceMappings(leaf, account, account.Mapper?.Sources ?? []);
        leaf.Send([.. "LS+ "u8, .. LoopDetectionSubject(account), .. "\r\n"u8]);
    }

    /// <summary>
    /// A leaf hears of its account's mapping sources as interest, so what is published there on its
    /// side comes here to be mapped (nats-server sends them with the imports; a spoke only what it may).
    /// </summary>
    public static void AnnounceMappings(LeafConnection leaf, Account account, IEnumerable<byte[]> sources)
    {
        foreach (byte[] source in sources)
        {
            var sub = new Subscription(account.Internal, source, null, source) { AccountName = account.Name };
            if (leaf.WantsInterestFrom(sub))
            {
                leaf.ChangeInterest(sub, +1);
            }
        }
    }

    /// <summary>Reload: mapping sources new to an account are announced to its leafs (nats-server's forceAddToSmap).</summary>
    public void OnMappingsChanged(Account account, SubjectMapper? old)
    {
        var before = new HashSet<string>((old?.Sources ?? []).Select(Encoding.UTF8.GetString), StringComparer.Ordinal);
        byte[][] added = [.. (account.Mapper?.Sources ?? []).Where(s => !before.Contains(Encoding.UTF8.GetString(s)))];
        foreach (LeafConnection leaf in _leafs.Keys)
        {
            if (added.Length > 0 && leaf.Account == account)
            {
                AnnounceMappings(leaf, account, added);
            }
        }
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

    /// <summary>The account an accepted leaf binds to from its CONNECT and its user's permissions; null when its credentials are refused.</summary>
    public (Account Account, Auth.CompiledPermissions? Permissions)? BindAccount(ConnectOptions connect, string? nonce)
    {
        if (LeafAuthorization.Bind(_server.Options, _server.CurrentAuthenticator, connect, nonce) is not { } binding
            || _server.FindAccount(binding.Account) is not { } account)
        {
            return null;
        }

        return (account, binding.Permissions);
    }

    /// <summary>The hub's INFO: the first one (info_on_connect) and the one answering CONNECT (connect_info).</summary>
    public byte[] BuildInfoLine(LeafConnection leaf, bool connectInfo, bool update = false)
    {
        string hostPort = OwnUrl;
        (string advertisedHost, int advertisedPort) = Advertised();
        var info = new ServerInfo
        {
            ServerId = _server.ServerId,
            ServerName = _server.ServerName,
            Version = ServerVersion.Compatible,
            Proto = 1,
            Go = ServerVersion.Runtime,
            Host = Options.Advertise.Length > 0 ? advertisedHost : Options.Host, // as nats-server: the listen host unless advertised
            Port = advertisedPort,
            Headers = !_server.Options.NoHeaderSupport,
            AuthRequired = true, // a leaf always sends CONNECT
            TlsRequired = HubTls is not null,
            TlsVerify = HubTls?.Verify == true,
            MaxPayload = _server.Options.MaxPayload,
            Ip = hostPort,
            ClientId = leaf.Id,
            Nonce = connectInfo || update ? null : leaf.Nonce,
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : null,
            InfoOnConnect = true,
            ConnectInfo = connectInfo,
            LeafNodeUrls = [.. LeafNodeUrls()],
            RemoteAccount = connectInfo ? leaf.Account?.Name : null,
            Import = connectInfo ? leaf.Permissions?.Source.Publish : null,   // ours to send = its to receive
            Export = connectInfo ? leaf.Permissions?.Source.Subscribe : null, // ours to take = its to send
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        return [.. "INFO "u8, .. json, .. " \r\n"u8];
    }

    /// <summary>Where leafs should dial this server: <c>advertise</c> (its port defaulting to ours), else the listen address.</summary>
    private (string Host, int Port) Advertised()
    {
        if (Options.Advertise.Length > 0)
        {
            (string host, int? port) = TcpListen.SplitHostPort(Options.Advertise);
            return (host, port ?? Port);
        }

        return (Options.Host is "0.0.0.0" or "" ? "127.0.0.1" : Options.Host, Port);
    }

    /// <summary>This server's leafnode URL (host:port) as leafs should dial it.</summary>
    public string OwnUrl
    {
        get
        {
            (string host, int port) = Advertised();
            return TcpListen.HostPort(host, port);
        }
    }

    /// <summary>What we tell the rest of the cluster (route INFO): our URL, unless <c>no_advertise</c> or no listener.</summary>
    public string? AdvertisedToCluster => Port > 0 && !Options.NoAdvertise ? OwnUrl : null;

    /// <summary>The leafnode URLs of our cluster (ours first), for leafs to reconnect to.</summary>
    public List<string> LeafNodeUrls() => [.. new[] { OwnUrl }.Concat(_peerUrls.Values.Order(StringComparer.Ordinal)).Distinct()];

    /// <summary>
    /// A cluster peer's leafnode URL arrived with its route (or left with it): the leafs we are the
    /// hub of get an INFO with the new list, as nats-server sends.
    /// </summary>
    public void SetPeerUrl(string serverId, string? url)
    {
        if (_server.IsStopping)
        {
            return; // routes closing at shutdown must not make our leafs forget the rest of the cluster
        }

        if (_peerUrls.GetValueOrDefault(serverId) == url)
        {
            return;
        }

        if (url is null)
        {
            _peerUrls.TryRemove(serverId, out _);
        }
        else
        {
            _peerUrls[serverId] = url;
        }

        if (Port == 0)
        {
            return;
        }

        foreach (LeafConnection leaf in _leafs.Keys.Where(l => l.WeAreHub))
        {
            leaf.Send(BuildInfoLine(leaf, connectInfo: false, update: true));
        }
    }

    /// <summary>Leaf side: the hub's INFO listed its cluster's leafnode URLs; the remote tries them too.</summary>
    public void OnHubUrls(LeafConnection leaf, string[] urls)
    {
        if (leaf.Remote is { } remote && _dialers.TryGetValue(remote, out LeafDialer? dialer))
        {
            dialer.SetDiscovered(urls);
        }
    }

    /// <summary>Our CONNECT to a hub, signed with the remote's credentials file if it has one; null if that file is unusable (logged).</summary>
    /// <param name="compressionOffered">The hub's INFO named a compression mode (2.10): we answer "off", as we never compress.</param>
    public byte[]? BuildConnect(LeafConnection leaf, string? nonce, bool compressionOffered)
    {
        Uri url = leaf.SolicitedUrl!;
        var connect = new LeafConnect
        {
            TlsRequired = leaf.DialledWithTls,
            ServerId = _server.ServerId,
            Name = _server.ServerName,
            Cluster = _server.ClusterName.Length > 0 ? _server.ClusterName : _server.ServerName,
            Headers = !_server.Options.NoHeaderSupport,
            CompressMode = compressionOffered ? CompressionOptions.Off : null,
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
        else if ((string.IsNullOrEmpty(url.UserInfo) ? leaf.Remote?.Urls.FirstOrDefault(u => u.UserInfo.Length > 0)?.UserInfo : url.UserInfo) is { Length: > 0 } userInfo)
        {
            // A URL learnt from the hub carries no credentials: those of the first configured URL that has some go with it, as in nats-server.
            string[] parts = userInfo.Split(':', 2);
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
