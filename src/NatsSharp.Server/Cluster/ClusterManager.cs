using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// The cluster side of a server: the route listener and the registry of routes by peer id (one
/// per peer, duplicates resolved), gossip of new peers, and the wiring of its parts — dialling
/// (<see cref="RouteDialer"/>), the handshake lines (<see cref="RouteHandshake"/>), the local
/// interest announced with RS+/RS- (<see cref="RouteInterest"/>), the cluster name
/// (<see cref="ClusterName"/>) and the peers' client URLs (<see cref="PeerClientUrls"/>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "StopAsync cancels _stopping; dial loops that linked to its token may still be winding down, so it is never disposed (it has no timer).")]
internal sealed partial class ClusterManager
{
    private readonly NatsServer _server;
    private readonly ServerLog _log;
    private readonly ConcurrentDictionary<string, RouteConnection> _routes = new(StringComparer.Ordinal);
    private readonly List<RouteConnection> _standby = []; // refused duplicates still open, under the _routes lock
    private readonly RouteInterest _interest;
    private readonly PeerClientUrls _peerClientUrls = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly PeerListener<RouteConnection> _peers;
    private readonly RouteDialer _dialer;
    private readonly RouteHandshake _handshake;
    private readonly ClusterName _name;

    public ClusterManager(NatsServer server, ClusterOptions options)
    {
        _server = server;
        _log = server.Log;
        Options = options.Clone(); // our own copy: reload updates it (routes) without touching the options object
        _name = new ClusterName(options.Name);
        _peers = new PeerListener<RouteConnection>(server.Log, _stopping.Token);
        _handshake = new RouteHandshake(server, this);
        _dialer = new RouteDialer(Options, _log, (socket, url) => _peers.RunAsync(NewRoute(socket, url), static r => r.RunAsync()), _routes.ContainsKey, _stopping.Token);
        Tls = LoadTls(options);
        _interest = new RouteInterest(() => _routes.Values, options.Permissions is { } p ? new CompiledPermissions(p) : null);
    }

    /// <summary>Whether a route's interest in <paramref name="subject"/> is accepted (export: we may send it that).</summary>
    public bool MayExport(ReadOnlySpan<byte> subject) =>
        _interest.Permissions is not { } p || p.CanSubscribe(subject, default);

    public ClusterOptions Options { get; }

    /// <summary>Route TLS, or null for plaintext routes; a reload swaps it for the routes that connect later.</summary>
    public RouteTls? Tls { get; private set; }

    /// <summary>Loads the certificates of <c>cluster { tls { } }</c>; throws on a bad file.</summary>
    public static RouteTls? LoadTls(ClusterOptions options) =>
        options.Tls is { HasCertificate: true } tls ? new RouteTls(Server.Tls.TlsSetup.Load(tls)) : null;

    public string Name => _name.Current;

    /// <summary>The name was generated, not configured.</summary>
    public bool Dynamic => _name.Dynamic;

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
        _log.Notice($"Listening for route connections on {TcpListen.HostPort(Options.Host, Port)}");
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
    public void Solicit(Uri url, bool explicitRoute) => _dialer.Dial(url, explicitRoute);

    /// <summary>
    /// A route's first INFO: refuse a connection to ourselves; a second one to the same peer becomes
    /// a standby (the route in use is kept, as nats-server does); else register it, send it our
    /// interest and tell the other routes about it (gossip).
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
            // On an INFO nats-server closes without telling the peer (a CONNECT gets the -ERR).
            _log.Error(route.Prefix + conflict);
            route.CloseAndReadOn(Connections.ClosedReason.ClusterNameConflict);
            return true;
        }

        lock (_routes)
        {
            if (_routes.TryGetValue(info.ServerId, out RouteConnection? existing) && !existing.IsClosing)
            {
                // As nats-server: the route in use stays, the newcomer is refused. It is kept open as a
                // standby and read from, though: if the peer registered it (both dialled at once and each
                // side saw a different INFO first) the peer's interest and messages arrive on it, and
                // closing it would drop them. A standby the peer does not use is closed when idle.
                route.RefusedAs = "duplicate";
                route.Standby = true;
                _standby.Add(route);
            }
            else
            {
                _routes[info.ServerId] = route;
                route.Registered = true;
            }
        }

        if (route.Standby)
        {
            _log.Debug(route.Prefix + $"Detected duplicate remote route \"{info.ServerId}\"");
            _ = CloseStandbyWhenIdleAsync(route);
            return true;
        }

        _log.Debug(route.Prefix + $"Registering remote route \"{info.ServerId}\"");
        _interest.SendAll(route);
        Gossip(route, info);
        SetPeerClientUrls(info.ServerId, info.ConnectUrls ?? []); // no_advertise filters them when client INFO is built
        _server.OnPeerLeafNodeUrl(info.ServerId, info.LeafNodeUrls is [string leafUrl] ? leafUrl : null);
        return true;
    }

    /// <summary>
    /// Closes a standby route once it carries nothing: no interest from the peer and no message
    /// for a while (the peer refused it too); one the peer uses stays until one side goes.
    /// </summary>
    private async Task CloseStandbyWhenIdleAsync(RouteConnection route)
    {
        long seen = -1;
        while (!route.IsClosing && !_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(StandbyIdleCheck, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            long now = route.InMsgs;
            if (route.Standby && route.RemoteSubscriptionCount == 0 && now == seen)
            {
                route.Close(Connections.ClosedReason.DuplicateRoute);
                return;
            }

            seen = now;
        }
    }

    private static readonly TimeSpan StandbyIdleCheck = TimeSpan.FromSeconds(1);

    public void Unregister(RouteConnection route)
    {
        bool removed;
        RouteConnection? promoted = null;
        lock (_routes)
        {
            _standby.Remove(route);
            removed = route.Registered && _routes.TryGetValue(route.RemoteId, out RouteConnection? current) && ReferenceEquals(current, route)
                && _routes.TryRemove(route.RemoteId, out _);
            if (removed && _standby.Find(r => r.RemoteId == route.RemoteId && !r.IsClosing) is { } next)
            {
                // The peer is still there on the standby: it takes over, so nothing is lost or redialled.
                _standby.Remove(next);
                next.Standby = false;
                next.Registered = true;
                _routes[route.RemoteId] = next;
                promoted = next;
            }
        }

        if (promoted is not null)
        {
            _log.Debug(promoted.Prefix + $"Registering remote route \"{promoted.RemoteId}\" (standby taking over)");
            _interest.SendAll(promoted);
            return;
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
        _interest.Send(route, subject => now.CanSubscribe(Encoding.UTF8.GetBytes(subject), default)
            && !was.CanSubscribe(Encoding.UTF8.GetBytes(subject), default) && _interest.MayImport(subject));
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
            forwarded.Ip = $"nats-route://{TcpListen.HostPort(route.RemoteHost, info.Port)}/";
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

    /// <summary>A peer's cluster name (CONNECT or INFO): null when it agrees, else the refusal text.</summary>
    public string? CheckClusterName(string theirs, bool theirsDynamic)
    {
        string? refusal = _name.Meet(theirs, theirsDynamic, out bool adopted);
        if (adopted)
        {
            _log.Notice($"Cluster name updated to {theirs}");
            _server.OnClusterChanged();
        }

        return refusal;
    }

    /// <summary>A route's CONNECT against <c>cluster { authorization }</c>.</summary>
    public bool Authenticate(ConnectOptions connect) => _handshake.Authenticate(connect);

    /// <summary>An account named on a route (RS+/RMSG): $G without a lookup, configured ones by name, unknown ones (e.g. $SYS) ignored.</summary>
    public Account? AccountOf(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("$G"u8) ? _server.GlobalAccount : _server.Accounts.Find(name);

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

    /// <summary>A local subscription: announce 0→1 (plain) or every weight change (queue).</summary>
    public void OnLocalSubscribed(Subscription sub) => _interest.Change(sub, +1);

    public void OnLocalUnsubscribed(Subscription sub) => _interest.Change(sub, -1);

    private void SetPeerClientUrls(string serverId, string[]? urls)
    {
        if (_peerClientUrls.Set(serverId, urls))
        {
            _server.OnClusterChanged();
        }
    }

    // Set once a route brought client URLs while we advertise them (see ConnectUrlsForClients).
    private volatile bool _peerClientUrlsSeen;

    /// <summary>
    /// connect_urls for client INFO: <paramref name="own"/> first, then every peer's (unless no_advertise).
    /// As in nats-server the list starts empty and is filled the first time a route brings client URLs;
    /// from then on it keeps ours even when the peers are gone. A server alone, or whose peers all set
    /// no_advertise, sends none. In lame duck the caller passes no URLs of its own, so clients move elsewhere.
    /// </summary>
    public string[]? ConnectUrlsForClients(List<string> own)
    {
        if (Options.NoAdvertise)
        {
            return null;
        }

        List<string> peers = _peerClientUrls.All();
        if (peers.Count > 0)
        {
            _peerClientUrlsSeen = true;
        }
        else if (!_peerClientUrlsSeen)
        {
            return null;
        }

        var urls = new List<string>(own);
        foreach (string url in peers)
        {
            if (!urls.Contains(url))
            {
                urls.Add(url);
            }
        }

        return [.. urls];
    }

    /// <summary>The CONNECT we send on a route we dialled.</summary>
    public byte[] BuildConnect(Uri url) => _handshake.Connect(url);

    /// <summary>Tells every route we are in lame-duck mode (INFO with "ldm":true), as nats-server does.</summary>
    public void AnnounceLameDuck()
    {
        byte[] line = BuildRouteInfoLine(lameDuck: true);
        foreach (RouteConnection route in _routes.Values)
        {
            route.Send(line);
        }
    }

    /// <summary>The INFO we send on every route (and again after a reload or in lame duck).</summary>
    public byte[] BuildRouteInfoLine(bool lameDuck = false) => _handshake.Info(lameDuck);

    internal static byte[] InfoLine(ServerInfo info, bool trailingSpace) => RouteHandshake.InfoLine(info, trailingSpace);
}
