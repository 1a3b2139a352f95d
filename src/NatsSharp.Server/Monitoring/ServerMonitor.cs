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
internal sealed class ServerMonitor
{
    public const int DefaultListSize = 1024;

    private static readonly string[] SortKeys =
        ["cid", "start", "subs", "pending", "msgs_to", "msgs_from", "bytes_to", "bytes_from", "last", "idle", "uptime", "stop", "reason"];

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
            ServerId = _server.ServerId,
            ServerName = _server.ServerName,
            Version = ServerVersion.Compatible,
            Proto = 1,
            Go = ServerVersion.Runtime,
            Host = o.Host,
            Port = _server.Port,
            AuthRequired = _server.AuthRequired,
            ConnectUrls = _server.ClusterConnectUrls()?.ToList(),
            MaxConnections = o.MaxConnections,
            MaxSubscriptions = o.MaxSubscriptions,
            PingInterval = o.PingInterval.Ticks * 100,
            PingMax = o.PingMax,
            HttpHost = o.HttpHost.Length > 0 ? o.HttpHost : o.Host,
            HttpPort = o.HttpPort,
            HttpBasePath = o.HttpBasePath == "/" ? "" : o.HttpBasePath,
            HttpsPort = o.HttpsPort,
            AuthTimeout = o.AuthTimeout.TotalSeconds,
            MaxControlLine = o.MaxControlLine,
            MaxPayload = o.MaxPayload,
            MaxPending = o.MaxPending,
            TlsTimeout = 2,
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
            Subscriptions = _server.GlobalAccount.Sublist.Count,
            Cluster = ClusterSection(),
            Leaf = LeafSection(),
            LeafNodes = _server.LeafNodeCount,
            Routes = _server.RouteCount,
            Remotes = _server.RouteCount, // one route per known remote server
            HttpReqStats = new SortedDictionary<string, long>(_requests, StringComparer.Ordinal),
            ConfigLoadTime = GoFormat.Time(_server.StartTime),
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

    public Connz Connz(ConnzOptions opts)
    {
        string sort = opts.Sort.Length == 0 ? "cid" : opts.Sort;
        if (Array.IndexOf(SortKeys, sort) < 0)
        {
            throw new MonitorQueryException($"invalid sorting option: {sort}");
        }

        int offset = Math.Max(0, opts.Offset);
        int limit = opts.Limit <= 0 ? DefaultListSize : opts.Limit;
        if (sort is "stop" or "reason" && opts.State != ConnState.Closed)
        {
            throw new MonitorQueryException($"sort by {sort} only valid on closed connections");
        }

        if (opts.Cid > 0)
        {
            limit = 1;
        }

        DateTime now = DateTime.UtcNow;
        if (opts.Account.Length > 0 && opts.Account != Account.GlobalName)
        {
            // nats-server answers an unknown account with an almost empty Connz.
            return new Connz { Now = GoFormat.Time(now), Offset = offset, Limit = limit, Connections = null };
        }

        List<ClientConnection> open = opts.State == ConnState.Closed ? [] : [.. _server.Clients];
        List<ConnInfo> closed = opts.State == ConnState.Open ? [] : Closed.Snapshot();
        int total = open.Count + closed.Count;
        if (opts.Cid > 0)
        {
            // As nats-server: with state=all a cid is looked up among closed connections only.
            if (opts.State == ConnState.Open)
            {
                open = open.Where(c => c.Id == opts.Cid).ToList();
            }
            else
            {
                open = [];
                closed = closed.Where(c => c.Cid == opts.Cid).Take(1).ToList();
            }
        }

        var list = new List<ConnInfo>(open.Count + closed.Count);
        foreach (ClientConnection client in open)
        {
            if (opts.User.Length > 0 && client.ConnectInfo?.User != opts.User)
            {
                continue;
            }

            ConnInfo info = Describe(client, now, null, default, withSubs: opts.Subs || opts.SubsDetail);
            AddOptional(info, opts, info.Subs);
            list.Add(info);
        }

        foreach (ConnInfo cc in closed)
        {
            if (opts.User.Length > 0 && cc.User != opts.User)
            {
                continue;
            }

            ConnInfo info = cc.Copy();
            AddOptional(info, opts, cc.Subs);
            list.Add(info);
        }

        List<ConnInfo> sorted = Sort(list, sort, now);
        int from = Math.Min(offset, sorted.Count);
        int to = (int)Math.Min((long)offset + limit, sorted.Count);
        List<ConnInfo> page = sorted.GetRange(from, to - from);
        return new Connz
        {
            ServerId = _server.ServerId,
            Now = GoFormat.Time(now),
            NumConnections = page.Count,
            Total = total,
            Offset = offset,
            Limit = limit,
            Connections = page,
        };
    }

    private static void AddOptional(ConnInfo info, ConnzOptions opts, List<SubDetail> subs)
    {
        if (subs.Count > 0)
        {
            if (opts.SubsDetail)
            {
                info.SubscriptionsListDetail = subs;
            }
            else if (opts.Subs)
            {
                info.SubscriptionsList = subs.Select(s => s.Subject).ToList();
            }
        }

        if (opts.Auth)
        {
            info.AuthorizedUser = info.User.Length > 0 ? info.User : null;
            info.Account = info.AccountName.Length > 0 && info.AccountName != Account.GlobalName ? info.AccountName : null;
        }
    }

    private static List<ConnInfo> Sort(List<ConnInfo> list, string sort, DateTime now) => sort switch
    {
        "subs" => [.. list.OrderByDescending(c => c.Subscriptions)],
        "pending" => [.. list.OrderByDescending(c => c.PendingBytes)],
        "msgs_to" => [.. list.OrderByDescending(c => c.OutMsgs)],
        "msgs_from" => [.. list.OrderByDescending(c => c.InMsgs)],
        "bytes_to" => [.. list.OrderByDescending(c => c.OutBytes)],
        "bytes_from" => [.. list.OrderByDescending(c => c.InBytes)],
        "last" => [.. list.OrderByDescending(c => c.LastActivityTime)],
        "idle" => [.. list.OrderByDescending(c => c.LastActivityTime - c.StartTime)], // nats-server's definition
        "uptime" => [.. list.OrderBy(c => (c.StopTime ?? now) - c.StartTime)],
        "stop" => [.. list.OrderByDescending(c => c.StopTime)],
        "reason" => [.. list.OrderBy(c => c.Reason, StringComparer.Ordinal)],
        _ => [.. list.OrderBy(c => c.Cid)], // cid, start
    };

    /// <summary>A connection's /connz entry; <paramref name="stop"/> is set for a closed one.</summary>
    public static ConnInfo Describe(ClientConnection client, DateTime now, DateTime? stop, ClosedReason reason, bool withSubs)
    {
        DateTime at = stop ?? now;
        DateTime last = client.LastActivity;
        List<Subscription> subs = withSubs ? client.SubscriptionsSnapshot() : [];
        int subCount = withSubs ? subs.Count : client.SubscriptionCount;
        var details = new List<SubDetail>(subs.Count);
        foreach (Subscription sub in subs)
        {
            details.Add(new SubDetail
            {
                // nats-server keeps the account in the details it saves for closed connections.
                Account = stop is null ? null : Account.GlobalName,
                Subject = Encoding.UTF8.GetString(sub.Subject),
                Queue = sub.Queue is null ? null : Encoding.UTF8.GetString(sub.Queue),
                Sid = Encoding.UTF8.GetString(sub.Sid),
                Msgs = Interlocked.Read(ref sub.Delivered),
                Max = sub.MaxMsgs,
                Cid = client.Id,
                AccountName = Account.GlobalName,
            });
        }

        var connect = client.ConnectInfo;
        return new ConnInfo
        {
            Cid = client.Id,
            Ip = client.RemoteHost,
            Port = client.RemotePort,
            Start = GoFormat.Time(client.Started),
            LastActivity = GoFormat.Time(last),
            Stop = stop is null ? null : GoFormat.Time(stop.Value),
            Reason = stop is null ? null : ClosedReasonText.Of(reason),
            Rtt = GoFormat.Duration(TruncateRtt(client.Rtt)),
            Uptime = GoFormat.Uptime(at - client.Started),
            Idle = GoFormat.Uptime(at - last),
            PendingBytes = (int)client.PendingBytes,
            InMsgs = Volatile.Read(ref client.InMsgs),
            OutMsgs = Volatile.Read(ref client.OutMsgs),
            InBytes = Volatile.Read(ref client.InBytes),
            OutBytes = Volatile.Read(ref client.OutBytes),
            Subscriptions = subCount,
            Name = NullIfEmpty(connect?.Name),
            Lang = NullIfEmpty(connect?.Lang),
            Version = NullIfEmpty(connect?.Version),
            StartTime = client.Started,
            LastActivityTime = last,
            StopTime = stop,
            User = connect?.User ?? "",
            AccountName = Account.GlobalName,
            Subs = details,
        };
    }

    /// <summary>nats-server shows sub-millisecond RTTs to the microsecond.</summary>
    private static TimeSpan TruncateRtt(TimeSpan rtt) =>
        rtt > TimeSpan.FromMicroseconds(1) && rtt < TimeSpan.FromMilliseconds(1)
            ? TimeSpan.FromTicks(rtt.Ticks - (rtt.Ticks % TimeSpan.TicksPerMicrosecond))
            : rtt;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>/subsz. Returns either the bare sublist counters or, with subs=1 and matches, the full page.</summary>
    public object Subsz(bool subs, int offset, int limit, string test, string account)
    {
        offset = Math.Max(0, offset);
        limit = limit <= 0 ? DefaultListSize : limit;
        if (test.Length > 0 && !SubjectRules.IsValidPublishSubject(Encoding.UTF8.GetBytes(test)))
        {
            throw new MonitorQueryException($"invalid test subject, must be valid publish subject: {test}");
        }

        var stats = new SublistStatsJson();
        bool included = account.Length == 0 || account == Account.GlobalName;
        Sublist sublist = _server.GlobalAccount.Sublist;
        if (included)
        {
            stats.CopyFrom(sublist.Stats());
        }

        if (!subs || !included)
        {
            return stats;
        }

        byte[] testBytes = Encoding.UTF8.GetBytes(test);
        var details = new List<SubDetail>();
        foreach (Subscription sub in sublist.All())
        {
            // Only local interest, as nats-server: routes' subscriptions are in /routez.
            if (sub.Client is not ClientConnection)
            {
                continue;
            }

            if (test.Length > 0 && !SubjectRules.Matches(testBytes, sub.Subject))
            {
                continue;
            }

            details.Add(new SubDetail
            {
                Account = Account.GlobalName,
                Subject = Encoding.UTF8.GetString(sub.Subject),
                Queue = sub.Queue is null ? null : Encoding.UTF8.GetString(sub.Queue),
                Sid = Encoding.UTF8.GetString(sub.Sid),
                Msgs = Interlocked.Read(ref sub.Delivered),
                Max = sub.MaxMsgs,
                Cid = sub.Client.Id,
            });
        }

        int from = Math.Min(offset, details.Count);
        int to = (int)Math.Min((long)offset + limit, details.Count);
        List<SubDetail> page = details.GetRange(from, to - from);
        if (page.Count == 0)
        {
            return stats; // nats-server prints only the counters when the list is empty
        }

        return new Subsz
        {
            ServerId = _server.ServerId,
            Now = GoFormat.Time(DateTime.UtcNow),
            NumSubscriptions = stats.NumSubscriptions,
            NumCache = stats.NumCache,
            NumInserts = stats.NumInserts,
            NumRemoves = stats.NumRemoves,
            NumMatches = stats.NumMatches,
            CacheHitRate = stats.CacheHitRate,
            MaxFanout = stats.MaxFanout,
            AvgFanout = stats.AvgFanout,
            Total = page.Count, // nats-server reports the page size here
            Offset = offset,
            Limit = limit,
            SubscriptionsList = page,
        };
    }

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
            Urls = o.Routes.Count == 0 ? null : o.Routes.Select(u => NatsServer.HostPort(u.Host, u.Port)).ToList(),
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
                    Rtt = "0s", // route PINGs are not timed yet
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

    /// <summary>/accstatz: only $G exists, so its counters are the server's client totals.</summary>
    public AccountStatz AccountStatz(bool includeUnused)
    {
        var stats = new List<AccountStat>();
        int conns = _server.ClientCount;
        if (includeUnused || conns > 0)
        {
            ServerStats s = _server.Stats;
            stats.Add(new AccountStat
            {
                Account = Account.GlobalName,
                Conns = conns,
                TotalConns = conns,
                Sent = new DataStats { Msgs = s.OutMsgs, Bytes = s.OutBytes },
                Received = new DataStats { Msgs = s.InMsgs, Bytes = s.InBytes },
                SlowConsumers = s.SlowConsumers,
            });
        }

        return new AccountStatz { ServerId = _server.ServerId, Now = GoFormat.Time(DateTime.UtcNow), Accounts = stats };
    }

    public Accountz Accountz(string account)
    {
        string now = GoFormat.Time(DateTime.UtcNow);
        if (account.Length == 0)
        {
            return new Accountz { ServerId = _server.ServerId, Now = now, Accounts = [Account.GlobalName] };
        }

        if (account != Account.GlobalName)
        {
            throw new MonitorQueryException($"Account {account} does not exist");
        }

        var stats = new SublistStatsJson();
        stats.CopyFrom(_server.GlobalAccount.Sublist.Stats());
        return new Accountz
        {
            ServerId = _server.ServerId,
            Now = now,
            AccountDetail = new AccountInfo
            {
                AccountName = Account.GlobalName,
                UpdateTime = GoFormat.Time(_server.StartTime),
                ClientConnections = _server.ClientCount,
                Subscriptions = stats.NumSubscriptions,
                SublistStats = stats,
            },
        };
    }
}
