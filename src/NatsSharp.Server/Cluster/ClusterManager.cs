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

namespace NatsSharp.Server.Cluster;

/// <summary>
/// The cluster side of a server: the route listener, the routes it solicits (configured ones
/// forever, gossiped ones a few times), the registry of routes by peer id, the reference-counted
/// local interest it announces with RS+/RS-, and the client URLs of the whole cluster.
/// </summary>
internal sealed partial class ClusterManager
{
    private readonly NatsServer _server;
    private readonly ServerLog _log;
    private readonly ConcurrentDictionary<string, RouteConnection> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _soliciting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _selfUrls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _removedUrls = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Account, string Subject, string Queue), int> _interest = [];
    private readonly Dictionary<string, string[]> _peerClientUrls = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerListener<RouteConnection> _peers;
    private string _name;

    public ClusterManager(NatsServer server, ClusterOptions options)
    {
        _server = server;
        _log = server.Log;
        Options = options.Clone(); // our own copy: reload updates it (routes) without touching the options object
        Dynamic = options.Name.Length == 0;
        _name = Dynamic ? NewDynamicName() : options.Name;
        _peers = new PeerListener<RouteConnection>(server.Log, _stopping.Token);
        Tls = LoadTls(options);
        Permissions = options.Permissions is { } p ? new CompiledPermissions(p) : null;
    }

    /// <summary>Route permissions: import limits the interest we announce, export the interest we accept.</summary>
    public CompiledPermissions? Permissions { get; private set; }

    /// <summary>Whether our interest in <paramref name="subject"/> may be announced to routes (import).</summary>
    private bool MayImport(string subject) =>
        Permissions is null || Permissions.CanPublish(Encoding.UTF8.GetBytes(subject));

    /// <summary>Whether a route's interest in <paramref name="subject"/> is accepted (export: we may send it that).</summary>
    public bool MayExport(ReadOnlySpan<byte> subject) =>
        Permissions is null || Permissions.CanSubscribe(subject, default);

    public ClusterOptions Options { get; }

    /// <summary>Route TLS, or null for plaintext routes; a reload swaps it for the routes that connect later.</summary>
    public RouteTls? Tls { get; private set; }

    /// <summary>Loads the certificates of <c>cluster { tls { } }</c>; throws on a bad file.</summary>
    public static RouteTls? LoadTls(ClusterOptions options) =>
        options.Tls is { TlsEnabled: true } tls ? new RouteTls(Server.Tls.TlsSetup.Load(tls)) : null;

    public string Name => Volatile.Read(ref _name);

    public bool Dynamic { get; private set; }

    public int Port { get; private set; }

    public bool AuthRequired => Options.Username.Length > 0;

    public int RouteCount => _routes.Count;

    public IReadOnlyCollection<RouteConnection> Routes => (IReadOnlyCollection<RouteConnection>)_routes.Values;

    public void Start()
    {
        int port = Options.Port switch { ServerOptions.RandomPort => 0, 0 => ClusterOptions.DefaultPort, _ => Options.Port };
        _peers.Listen(Options.Host, port, "router", socket => NewRoute(socket, solicitedUrl: null));
        Port = _peers.Port;
        if (Dynamic)
        {
            _log.Warn("Cluster name was dynamically generated, consider setting one");
        }

        _log.Notice($"Cluster name is {Name}");
        _log.Notice($"Listening for route connections on {NatsServer.HostPort(Options.Host, Port)}");
        foreach (Uri url in Options.Routes)
        {
            Solicit(url, explicitRoute: true);
        }
    }

    public async Task StopAsync()
    {
        _stopping.Cancel();
        await _peers.StopAsync("routes").ConfigureAwait(false);
    }

    private RouteConnection NewRoute(Socket socket, Uri? solicitedUrl) =>
        new(this, _server, _server.NextConnectionId(), socket, new NetworkStream(socket, ownsSocket: false), solicitedUrl);

    /// <summary>Dials a route: configured ones are retried forever, gossiped ones connect_retries times.</summary>
    public void Solicit(Uri url, bool explicitRoute)
    {
        string key = RouteKey(url);
        if (explicitRoute)
        {
            _removedUrls.TryRemove(key, out _);
        }

        if (!_soliciting.TryAdd(key, 0))
        {
            return; // already dialing it
        }

        _ = SolicitLoopAsync(url, key, explicitRoute);
    }

    private static string RouteKey(Uri url) => $"{url.Host}:{url.Port}";

    private async Task SolicitLoopAsync(Uri url, string key, bool explicitRoute)
    {
        int failures = 0;
        try
        {
            while (!_stopping.IsCancellationRequested && !_selfUrls.ContainsKey(key) && !_removedUrls.ContainsKey(key))
            {
                // A reload may have changed the configured URL's credentials.
                url = explicitRoute ? Options.Routes.FirstOrDefault(r => RouteKey(r) == key) ?? url : url;
                Socket? socket = await ConnectAsync(url).ConfigureAwait(false);
                if (socket is null)
                {
                    failures++;
                    _log.Debug($"Error trying to connect to route (attempt {failures}): {key}");
                    if (!explicitRoute && failures > Options.ConnectRetries)
                    {
                        return;
                    }

                    await DelayAsync(Options.ReconnectDelay).ConfigureAwait(false);
                    continue;
                }

                failures = 0;
                RouteConnection route = await _peers.RunAsync(NewRoute(socket, url), static r => r.RunAsync()).ConfigureAwait(false);
                if (route.RefusedAs == "self")
                {
                    _selfUrls.TryAdd(key, 0);
                    return;
                }

                // Stay quiet while another connection to the same peer is up, then reconnect.
                while (!_stopping.IsCancellationRequested && route.RemoteId.Length > 0 && _routes.ContainsKey(route.RemoteId))
                {
                    await DelayAsync(Options.ReconnectDelay).ConfigureAwait(false);
                }

                if (!explicitRoute && route.RefusedAs != "duplicate" && failures++ >= Options.ConnectRetries)
                {
                    return;
                }

                await DelayAsync(route.RefusedAs == "duplicate"
                    ? TimeSpan.FromMilliseconds(Random.Shared.Next(100))
                    : Options.ReconnectDelay).ConfigureAwait(false);
            }
        }
        finally
        {
            _soliciting.TryRemove(key, out _);
        }
    }

    private async Task<Socket?> ConnectAsync(Uri url)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await socket.ConnectAsync(url.Host, url.Port, timeout.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    private async Task DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A route's first INFO: refuse a connection to ourselves or a second one to the same peer
    /// (both sides keep the connection solicited by the lower server id), else register it,
    /// send it our interest and tell the other routes about it (gossip).
    /// </summary>
    public bool Register(RouteConnection route, ServerInfo info)
    {
        if (info.ServerId == _server.ServerId)
        {
            route.RefusedAs = "self";
            _log.Debug(route.Prefix + "Detected route to self, ignoring");
            route.Close(Connections.ClosedReason.DuplicateRoute);
            return false;
        }

        if (info.ServerName.Length > 0 && info.ServerName == _server.ServerName && !route.IsSolicited)
        {
            _log.Error(route.Prefix + $"Remote server has a duplicate name: \"{info.ServerName}\"");
            route.Close(Connections.ClosedReason.DuplicateServerName);
            return false;
        }

        string? conflict = CheckClusterName(info.Cluster ?? "", info.ClusterDynamic);
        if (conflict is not null)
        {
            route.SendErrAndClose(conflict, Connections.ClosedReason.ClusterNameConflict);
            return false;
        }

        RouteConnection? loser;
        lock (_routes)
        {
            if (_routes.TryGetValue(info.ServerId, out RouteConnection? existing) && !existing.IsClosing)
            {
                if (!Prefer(route, existing))
                {
                    route.RefusedAs = "duplicate";
                    loser = route;
                }
                else
                {
                    existing.RefusedAs = "duplicate";
                    existing.Registered = false;
                    loser = existing;
                    _routes[info.ServerId] = route;
                    route.Registered = true;
                }
            }
            else
            {
                _routes[info.ServerId] = route;
                route.Registered = true;
                loser = null;
            }
        }

        if (loser is not null)
        {
            _log.Debug(loser.Prefix + $"Detected duplicate remote route \"{info.ServerId}\"");
            loser.Close(Connections.ClosedReason.DuplicateRoute);
            if (ReferenceEquals(loser, route))
            {
                return false;
            }
        }

        _log.Debug(route.Prefix + $"Registering remote route \"{info.ServerId}\"");
        SendAllInterest(route);
        Gossip(route, info);
        SetPeerClientUrls(info.ServerId, info.ConnectUrls ?? []); // no_advertise filters them when client INFO is built
        _server.OnPeerLeafNodeUrl(info.ServerId, info.LeafNodeUrls is [string leafUrl] ? leafUrl : null);
        return true;
    }

    /// <summary>Of two connections to one peer, keep the one solicited by the server with the lower id.</summary>
    private bool Prefer(RouteConnection candidate, RouteConnection existing)
    {
        string mine = _server.ServerId;
        string theirs = candidate.RemoteId;
        bool lowerIsMe = string.CompareOrdinal(mine, theirs) < 0;
        return lowerIsMe ? candidate.IsSolicited && !existing.IsSolicited : !candidate.IsSolicited && existing.IsSolicited;
    }

    public void Unregister(RouteConnection route)
    {
        bool removed;
        lock (_routes)
        {
            removed = route.Registered && _routes.TryGetValue(route.RemoteId, out RouteConnection? current) && ReferenceEquals(current, route)
                && _routes.TryRemove(route.RemoteId, out _);
        }

        if (removed)
        {
            SetPeerClientUrls(route.RemoteId, null);
            _server.OnPeerLeafNodeUrl(route.RemoteId, null);
            if (!route.IsSolicited && route.RemoteInfo?.Ip is { Length: > 0 } ip && Uri.TryCreate(ip, UriKind.Absolute, out Uri? url))
            {
                Solicit(url, explicitRoute: false); // try to get the peer back, a few times
            }
        }
    }

    public void OnPeerUpdate(RouteConnection route, ServerInfo info)
    {
        if (info.LameDuckMode)
        {
            SetPeerClientUrls(route.RemoteId, null);
            return;
        }

        // The peer reloaded its permissions: announce the interest its export now accepts.
        SubjectPermission? before = route.RemoteInfo?.Export;
        route.UpdateRemoteInfo(info);
        if (Describe(before) == Describe(info.Export))
        {
            return;
        }

        var was = new CompiledPermissions(new Auth.Permissions { Subscribe = before });
        var now = new CompiledPermissions(new Auth.Permissions { Subscribe = info.Export });
        SendInterest(route, subject => now.CanSubscribe(Encoding.UTF8.GetBytes(subject), default)
            && !was.CanSubscribe(Encoding.UTF8.GetBytes(subject), default) && MayImport(subject));
    }

    private static string Describe(SubjectPermission? p) =>
        p is null ? "" : $"{string.Join(",", p.Allow ?? [])}|{string.Join(",", p.Deny ?? [])}";

    /// <summary>An INFO about a third server: dial it unless it is us or already connected.</summary>
    public void OnGossip(ServerInfo info)
    {
        if (info.ServerId == _server.ServerId || _routes.ContainsKey(info.ServerId) || string.IsNullOrEmpty(info.Ip))
        {
            return;
        }

        if (Uri.TryCreate(info.Ip, UriKind.Absolute, out Uri? url))
        {
            if (info.AuthRequired && Options.Username.Length > 0)
            {
                url = new UriBuilder(url) { UserName = Uri.EscapeDataString(Options.Username), Password = Uri.EscapeDataString(Options.Password) }.Uri;
            }

            Solicit(url, explicitRoute: Options.Routes.Any(r => r.Host == url.Host && r.Port == url.Port));
        }
    }

    /// <summary>Tells every other route about the new one, with its dialable URL in "ip".</summary>
    private void Gossip(RouteConnection route, ServerInfo info)
    {
        if (_routes.Count < 2)
        {
            return;
        }

        ServerInfo forwarded = info.Clone();
        forwarded.Nonce = null;
        if (string.IsNullOrEmpty(forwarded.Ip))
        {
            forwarded.Ip = $"nats-route://{NatsServer.HostPort(route.RemoteHost, info.Port)}/";
        }

        byte[] line = InfoLine(forwarded, trailingSpace: false);
        foreach (RouteConnection other in _routes.Values)
        {
            if (!ReferenceEquals(other, route))
            {
                other.Send(line);
            }
        }
    }

    public string? CheckClusterName(string theirs, bool theirsDynamic)
    {
        if (theirs.Length == 0 || theirs == Name)
        {
            return null;
        }

        // A generated name gives way to a configured one, and to a higher-sorting generated one.
        if (Dynamic && (!theirsDynamic || string.CompareOrdinal(Name, theirs) < 0))
        {
            Volatile.Write(ref _name, theirs);
            Dynamic = theirsDynamic;
            _log.Notice($"Cluster name updated to {theirs}");
            _server.OnClusterChanged();
            return null;
        }

        return $"Rejecting connection, cluster name \"{theirs}\" does not match \"{Name}\"";
    }

    /// <summary>A route's CONNECT against <c>cluster { authorization }</c>: the password plain or bcrypt, as for clients.</summary>
    public bool Authenticate(ConnectOptions connect) =>
        SecretCompare.SameText(connect.User ?? "", Options.Username) & SecretCompare.PasswordMatches(Options.Password, connect.Pass ?? "");

    /// <summary>An account named on a route (RS+/RMSG): $G without a lookup, configured ones by name, unknown ones (e.g. $SYS) ignored.</summary>
    public Account? AccountOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("$G"u8) ? _server.GlobalAccount : _server.FindAccount(Encoding.UTF8.GetString(name));

    public void RemoveRemoteSubscriptions(List<Subscription> subs)
    {
        foreach (var perAccount in subs.GroupBy(s => s.AccountName))
        {
            _server.FindAccount(perAccount.Key)?.Sublist.RemoveBatch([.. perAccount]);
        }

        foreach (Subscription sub in subs)
        {
            _server.OnRemoteInterest(sub, -1);
        }
    }

    /// <summary>A local client subscribed: announce 0→1 (plain) or every weight change (queue).</summary>
    public void OnLocalSubscribed(Subscription sub) => ChangeInterest(sub, +1);

    public void OnLocalUnsubscribed(Subscription sub) => ChangeInterest(sub, -1);

    private void ChangeInterest(Subscription sub, int delta)
    {
        string account = sub.AccountName;
        string subject = Encoding.UTF8.GetString(sub.Subject);
        string queue = sub.Queue is null ? "" : Encoding.UTF8.GetString(sub.Queue);

        // Sent under the lock: two changes of one subject reach every route in the order they
        // were counted (an RS- can never overtake the RS+ before it).
        lock (_interest)
        {
            _interest.TryGetValue((account, subject, queue), out int count);
            int next = Math.Max(0, count + delta);
            if (next == 0)
            {
                _interest.Remove((account, subject, queue));
            }
            else
            {
                _interest[(account, subject, queue)] = next;
            }

            string? line = (count, next, queue.Length) switch
            {
                (0, > 0, 0) => $"RS+ {account} {subject}\r\n",
                (> 0, 0, 0) => $"RS- {account} {subject}\r\n",
                (_, > 0, > 0) when next != count => $"RS+ {account} {subject} {queue} {next}\r\n",
                (> 0, 0, > 0) => $"RS- {account} {subject} {queue}\r\n",
                _ => null,
            };
            if (line is not null && MayImport(subject))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(line);
                foreach (RouteConnection route in _routes.Values)
                {
                    route.Send(bytes);
                }
            }
        }
    }

    private void SendAllInterest(RouteConnection route) => SendInterest(route, MayImport);

    /// <summary>Sends RS+ for the local interest whose subject passes <paramref name="filter"/>.</summary>
    private void SendInterest(RouteConnection route, Func<string, bool> filter)
    {
        lock (_interest)
        {
            var sb = new StringBuilder();
            foreach (var ((account, subject, queue), count) in _interest.Where(i => filter(i.Key.Subject)))
            {
                sb.Append(queue.Length == 0 ? $"RS+ {account} {subject}\r\n" : $"RS+ {account} {subject} {queue} {count}\r\n");
            }

            if (sb.Length > 0)
            {
                route.Send(Encoding.UTF8.GetBytes(sb.ToString()));
            }
        }
    }

    private void SetPeerClientUrls(string serverId, string[]? urls)
    {
        lock (_peerClientUrls)
        {
            if (urls is null || urls.Length == 0)
            {
                if (!_peerClientUrls.Remove(serverId))
                {
                    return;
                }
            }
            else
            {
                _peerClientUrls[serverId] = urls;
            }
        }

        _server.OnClusterChanged();
    }

    /// <summary>The client URLs of the other servers, for connect_urls in client INFO.</summary>
    public List<string> PeerClientUrls()
    {
        lock (_peerClientUrls)
        {
            return [.. _peerClientUrls.Values.SelectMany(u => u).Distinct()];
        }
    }

    public byte[] BuildConnect(Uri url)
    {
        var connect = new RouteConnect
        {
            TlsRequired = Tls is not null,
            Name = _server.ServerId,
            Cluster = Name,
            Dynamic = Dynamic,
        };
        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            string[] parts = url.UserInfo.Split(':', 2);
            connect.User = Uri.UnescapeDataString(parts[0]);
            connect.Pass = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(connect, ProtocolJson.Default.RouteConnect);
        return [.. "CONNECT "u8, .. json, .. "\r\n"u8];
    }

    /// <summary>Tells every route we are in lame-duck mode (INFO with "ldm":true), as nats-server does.</summary>
    public void AnnounceLameDuck()
    {
        byte[] line = BuildRouteInfoLine(lameDuck: true);
        foreach (RouteConnection route in _routes.Values)
        {
            route.Send(line);
        }
    }

    public byte[] BuildRouteInfoLine(bool lameDuck = false)
    {
        string host = Options.Host;
        int port = Port;
        string? ip = null;
        if (Options.Advertise.Length > 0)
        {
            int colon = Options.Advertise.LastIndexOf(':');
            host = colon > 0 ? Options.Advertise[..colon] : Options.Advertise;
            port = colon > 0 && int.TryParse(Options.Advertise.AsSpan(colon + 1), out int p) ? p : port;
            ip = $"nats-route://{NatsServer.HostPort(host, port)}/";
        }

        var info = new ServerInfo
        {
            ServerId = _server.ServerId,
            ServerName = _server.ServerName,
            Version = ServerVersion.Compatible,
            Proto = 2,
            Go = ServerVersion.Runtime,
            Host = host,
            Port = port,
            Headers = !_server.Options.NoHeaderSupport,
            AuthRequired = AuthRequired,
            TlsRequired = Tls is not null,
            TlsVerify = Options.Tls is { } t && (t.TlsVerify || t.TlsMap),
            MaxPayload = _server.Options.MaxPayload,
            Ip = ip,
            Cluster = Name,
            ClusterDynamic = Dynamic,
            ConnectUrls = Options.NoAdvertise ? null : [.. _server.OwnClientUrls()],
            LeafNodeUrls = _server.LeafNodeUrlForCluster is { } leafUrl ? [leafUrl] : null,
            LameDuckMode = lameDuck,
            Import = Options.Permissions?.Publish,
            Export = Options.Permissions?.Subscribe,
            Lnoc = true,
        };
        return InfoLine(info, trailingSpace: true);
    }

    private static byte[] InfoLine(ServerInfo info, bool trailingSpace)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        return [.. "INFO "u8, .. json, .. (trailingSpace ? " \r\n"u8 : "\r\n"u8)];
    }

    private static string NewDynamicName()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<byte> random = stackalloc byte[22];
        RandomNumberGenerator.Fill(random);
        Span<char> name = stackalloc char[22];
        for (int i = 0; i < name.Length; i++)
        {
            name[i] = alphabet[random[i] % alphabet.Length];
        }

        return new string(name);
    }
}
