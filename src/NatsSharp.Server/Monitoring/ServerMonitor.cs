using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The monitoring data, independent of HTTP: builds each endpoint's typed response from
/// the server's live state, with nats-server's rules for paging, sorting and filtering.
/// </summary>
internal sealed partial class ServerMonitor
{
    public const int DefaultListSize = 1024;

    private readonly NatsServer _server;
    private readonly ConcurrentDictionary<string, long> _requests = new(StringComparer.Ordinal);
    private readonly Lock _cpuLock = new();
    private TimeSpan _lastCpu;
    private long _lastCpuAt;
    private double _cpu;

    public ServerMonitor(NatsServer server)
    {
        _server = server;
        Closed = new ClosedConnections();
    }

    public ClosedConnections Closed { get; }

    /// <summary>Counts a hit on an endpoint, for /varz http_req_stats.</summary>
    public void CountRequest(string path) => _requests.AddOrUpdate(path, 1, static (_, n) => n + 1);

    public Varz Varz()
    {
        ServerOptions o = _server.Options;
        DateTime now = DateTime.UtcNow;
        using var process = Process.GetCurrentProcess();
        return new Varz
        {
            JetStream = JetStreamVarz(),
            ServerId = _server.ServerId,
            ServerName = _server.ServerName,
            Version = ServerVersion.Compatible,
            Proto = 1,
            Go = ServerVersion.Runtime,
            Host = o.Host,
            Port = _server.Port,
            AuthRequired = _server.AuthRequired,
            ConnectUrls = _server.ConnectUrlsForClients()?.ToList(),
            MaxConnections = o.MaxConnections,
            MaxSubscriptions = o.MaxSubscriptions,
            PingInterval = o.PingInterval.Ticks * 100,
            PingMax = o.PingMax,
            HttpHost = o.HttpHost.Length > 0 ? o.HttpHost : o.Host,
            HttpPort = o.HttpPort,
            HttpBasePath = o.HttpBasePath == "/" ? "" : o.HttpBasePath,
            HttpsPort = o.HttpsPort,
            AuthTimeout = o.EffectiveAuthTimeout.TotalSeconds,
            MaxControlLine = o.MaxControlLine,
            MaxPayload = o.MaxPayload,
            MaxPending = o.MaxPending,
            TlsTimeout = o.TlsTimeout.TotalSeconds,
            WriteDeadline = o.WriteDeadline.Ticks * 100,
            Start = GoFormat.Time(_server.StartTime),
            Now = GoFormat.Time(now),
            Uptime = GoFormat.Uptime(now - _server.StartTime),
            Mem = process.WorkingSet64,
            Cores = Environment.ProcessorCount,
            GoMaxProcs = Environment.ProcessorCount,
            Cpu = CpuPercent(process),
            Connections = _server.ClientCount,
            TotalConnections = _server.Stats.TotalConnections,
            InMsgs = _server.Stats.InMsgs,
            OutMsgs = _server.Stats.OutMsgs,
            InBytes = _server.Stats.InBytes,
            OutBytes = _server.Stats.OutBytes,
            SlowConsumers = _server.Stats.SlowConsumers,
            Subscriptions = _server.AllAccounts.Sum(a => a.Sublist.Count), // every account's, as nats-server
            Cluster = ClusterSection(),
            Leaf = LeafSection(),
            Websocket = WebsocketSection(),
            LeafNodes = _server.LeafNodeCount,
            Routes = _server.RouteCount,
            Remotes = _server.RouteCount, // one route per known remote server
            HttpReqStats = new SortedDictionary<string, long>(_requests, StringComparer.Ordinal),
            ConfigLoadTime = GoFormat.Time(_server.StartTime),
            Tags = _server.Options.ServerTags is { Count: > 0 } tags ? tags : null,
            SystemAccount = SystemAccountName(),
            NatsSharpVersion = ServerVersion.Product,
        };
    }

    /// <summary>CPU use in percent of one core since the previous /varz (or since start), like ps.</summary>
    private double CpuPercent(Process process)
    {
        lock (_cpuLock)
        {
            TimeSpan cpu = process.TotalProcessorTime;
            long at = Stopwatch.GetTimestamp();
            TimeSpan wall = _lastCpuAt == 0 ? DateTime.UtcNow - _server.StartTime : Stopwatch.GetElapsedTime(_lastCpuAt, at);
            TimeSpan used = cpu - _lastCpu;
            if (wall > TimeSpan.FromMilliseconds(100) || _lastCpuAt == 0)
            {
                _cpu = wall > TimeSpan.Zero ? Math.Round(100 * used / wall, 2) : 0;
                _lastCpu = cpu;
                _lastCpuAt = at;
            }

            return _cpu;
        }
    }

    private VarzWebsocket WebsocketSection() => _server.Options.WebSocket is not { } ws ? new() : new()
    {
        Host = ws.Host,
        Port = ws.Port == ServerOptions.RandomPort && _server.WebSocketPort != 0 ? _server.WebSocketPort : ws.Port,
        Advertise = ws.Advertise.Length > 0 ? ws.Advertise : null,
        NoAuthUser = ws.NoAuthUser.Length > 0 ? ws.NoAuthUser : null,
        HandshakeTimeout = ws.HandshakeTimeout.Ticks * 100,
        AuthTimeout = ws.AuthTimeout.TotalSeconds,
        NoTls = ws.NoTls,
        SameOrigin = ws.SameOrigin,
        AllowedOrigins = ws.AllowedOrigins.Count > 0 ? ws.AllowedOrigins : null,
        Compression = ws.Compression,
    };

    private ClusterVarz ClusterSection()
    {
        if (_server.Cluster is not { } cluster)
        {
            return new ClusterVarz();
        }

        ClusterOptions o = cluster.Options;
        return new ClusterVarz
        {
            Name = cluster.Name,
            Addr = o.Host,
            ClusterPort = cluster.Port,
            AuthTimeout = o.AuthTimeout.TotalSeconds,
            Urls = o.Routes.Count == 0 ? null : o.Routes.Select(u => TcpListen.HostPort(u.Host, u.Port)).ToList(),
            TlsTimeout = 2,
        };
    }

    public Routez Routez(bool subs, bool detail)
    {
        DateTime now = DateTime.UtcNow;
        var routes = new List<RouteInfo>();
        if (_server.Cluster is { } cluster)
        {
            foreach (RouteConnection route in cluster.Routes.OrderBy(r => r.Id))
            {
                List<Subscription> remote = route.RemoteSubscriptionsSnapshot();
                DateTime last = route.LastActivity;
                Uri? solicited = route.SolicitedUrl;
                routes.Add(new RouteInfo
                {
                    Rid = route.Id,
                    RemoteId = route.RemoteId,
                    DidSolicit = route.IsSolicited,
                    IsConfigured = solicited is not null && cluster.Options.Routes.Any(u => u.Port == solicited.Port && string.Equals(u.Host, solicited.Host, StringComparison.OrdinalIgnoreCase)),
                    Ip = route.RemoteHost,
                    Port = route.RemotePort,
                    Start = GoFormat.Time(route.Started),
                    LastActivity = GoFormat.Time(last),
                    Rtt = GoFormat.Duration(TruncateRtt(route.Rtt)),
                    Uptime = GoFormat.Uptime(now - route.Started),
                    Idle = GoFormat.Uptime(now - last),
                    PendingSize = (int)route.PendingBytes,
                    InMsgs = Volatile.Read(ref route.InMsgs),
                    OutMsgs = Volatile.Read(ref route.OutMsgs),
                    InBytes = Volatile.Read(ref route.InBytes),
                    OutBytes = Volatile.Read(ref route.OutBytes),
                    Subscriptions = remote.Count,
                    SubscriptionsList = remote.Count > 0 && subs && !detail ? remote.Select(s => Encoding.UTF8.GetString(s.Subject)).ToList() : null,
                    SubscriptionsListDetail = remote.Count > 0 && detail ? remote.Select(s => new SubDetail
                    {
                        Subject = Encoding.UTF8.GetString(s.Subject),
                        Queue = s.Queue is null ? null : Encoding.UTF8.GetString(s.Queue),
                        Sid = Encoding.UTF8.GetString(s.Sid),
                        Msgs = Interlocked.Read(ref s.Delivered),
                        Cid = route.Id,
                    }).ToList() : null,
                });
            }
        }

        return new Routez { ServerId = _server.ServerId, Now = GoFormat.Time(now), NumRoutes = routes.Count, Routes = routes };
    }

    /// <summary>/leafz: every leaf connection, or those bound to <paramref name="account"/> (<c>acc=</c>).</summary>
    public Leafz Leafz(bool subs = false, string account = "")
    {
        List<LeafInfo>? leafs = null;
        foreach (LeafNodes.LeafConnection leaf in _server.LeafNodes?.All ?? [])
        {
            string bound = leaf.Account?.Name ?? "";
            if (account.Length > 0 && bound != account)
            {
                continue;
            }

            List<string> interest = leaf.RemoteSubjects();
            (leafs ??= []).Add(new LeafInfo
            {
                Account = bound,
                Ip = leaf.RemoteHost,
                Port = leaf.RemotePort,
                Rtt = GoFormat.Duration(TruncateRtt(leaf.Rtt)),
                InMsgs = leaf.InMsgs,
                OutMsgs = Interlocked.Read(ref leaf.OutMsgs),
                InBytes = leaf.InBytes,
                OutBytes = Interlocked.Read(ref leaf.OutBytes),
                Subscriptions = interest.Count,
                SubscriptionsList = subs ? interest : null,
            });
        }

        return new() { ServerId = _server.ServerId, Now = GoFormat.Time(DateTime.UtcNow), LeafNodes = leafs?.Count ?? 0, Leafs = leafs };
    }

    private VarzLeaf LeafSection()
    {
        if (_server.Options.LeafNodes is not { Port: not 0 } leaf)
        {
            return new VarzLeaf();
        }

        return new VarzLeaf
        {
            Host = leaf.Host,
            Port = _server.LeafNodePort,
            AuthTimeout = leaf.AuthTimeout.TotalSeconds,
            TlsTimeout = leaf.Tls?.Timeout.TotalSeconds ?? 2,
            TlsRequired = leaf.Tls is not null,
            TlsVerify = leaf.Tls?.Verify == true,
        };
    }

    public Gatewayz Gatewayz() => new() { ServerId = _server.ServerId, Now = GoFormat.Time(DateTime.UtcNow) };
}
