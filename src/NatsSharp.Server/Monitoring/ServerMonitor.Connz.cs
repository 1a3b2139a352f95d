using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Monitoring;

/// <summary>/connz: open and closed client connections, all or one account's.</summary>
internal sealed partial class ServerMonitor
{
    private static readonly string[] SortKeys =
        ["cid", "start", "subs", "pending", "msgs_to", "msgs_from", "bytes_to", "bytes_from", "last", "idle", "uptime", "stop", "reason"];

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
        Account? account = null;
        if (opts.Account.Length > 0 && (account = _server.FindAccount(opts.Account)) is null)
        {
            // nats-server answers an unknown account with an almost empty Connz.
            return new Connz { Now = GoFormat.Time(now), Offset = offset, Limit = limit, Connections = null };
        }

        List<ClientConnection> open = opts.State == ConnState.Closed ? []
            : account is null ? [.. _server.Clients]
            : [.. _server.Clients.Where(c => c.AccountName == account.Name)];

        // Filtered by account, nats-server lists that account's leafnode connections too.
        List<LeafConnection> leafs = opts.State == ConnState.Closed || account is null ? [] : AccountLeafs(account.Name);
        List<ClosedConnection> closed = opts.State == ConnState.Open ? [] : Closed.Snapshot();
        if (account is not null)
        {
            closed = closed.Where(c => c.AccountName == account.Name).ToList();
        }

        int total = open.Count + leafs.Count + closed.Count;
        if (opts.Cid > 0)
        {
            // As nats-server: with state=all a cid is looked up among closed connections only,
            // and leafnodes are never found by cid.
            leafs = [];
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

        var list = new List<ConnInfo>(open.Count + leafs.Count + closed.Count);
        foreach (ClientConnection client in open)
        {
            if (opts.User.Length > 0 && client.LoginUser != opts.User)
            {
                continue;
            }

            ConnInfo info = Describe(client, now, null, default, withSubs: opts.Subs || opts.SubsDetail);
            AddOptional(info, opts, info.Subs);
            list.Add(info);
        }

        if (leafs.Count > 0 && opts.User.Length == 0)
        {
            ILookup<Subscriber, Subscription> bySender = account!.Sublist.All().ToLookup(s => s.Subscriber);
            foreach (LeafConnection leaf in leafs)
            {
                ConnInfo info = DescribeLeaf(leaf, account.Name, [.. bySender[leaf]], now);
                AddOptional(info, opts, info.Subs);
                list.Add(info);
            }
        }

        foreach (ClosedConnection cc in closed)
        {
            if (opts.User.Length > 0 && cc.User != opts.User)
            {
                continue;
            }

            ConnInfo info = cc.ToConnInfo();
            AddOptional(info, opts, info.Subs);
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
            info.AuthorizedUser = NullIfEmpty(info.AuthUser);
            info.TlsPeerCerts = info.PeerCert is null ? null : [info.PeerCert];
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
        string account = client.AccountName;
        List<Subscription> subs = withSubs ? client.SubscriptionsSnapshot() : [];
        int subCount = withSubs ? subs.Count : client.SubscriptionCount;
        var details = new List<SubDetail>(subs.Count);
        foreach (Subscription sub in subs)
        {
            details.Add(new SubDetail
            {
                // nats-server keeps the account in the details it saves for closed connections.
                Account = stop is null ? null : account,
                Subject = Encoding.UTF8.GetString(sub.Subject),
                Queue = sub.Queue is null ? null : Encoding.UTF8.GetString(sub.Queue),
                Sid = Encoding.UTF8.GetString(sub.Sid),
                Msgs = Interlocked.Read(ref sub.Delivered),
                Max = sub.MaxMsgs,
                Cid = client.Id,
                AccountName = account,
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
            TlsVersion = client.TlsVersion,
            TlsCipherSuite = client.TlsCipherSuite,
            PeerCert = stop is null ? client.TlsPeerCertificate : null, // nats-server keeps no certificates once closed
            StartTime = client.Started,
            LastActivityTime = last,
            StopTime = stop,
            User = client.LoginUser,
            AuthUser = stop is null ? client.AuthorizedUser : client.LoginUser, // nats-server keeps only the user name once closed
            AccountName = account,
            Subs = details,
        };
    }

    /// <summary>
    /// A leafnode connection as /connz?acc= shows it: kind "Leafnode", no type, the remote
    /// server as its name, and the interest it sent as its subscriptions.
    /// </summary>
    private static ConnInfo DescribeLeaf(LeafConnection leaf, string account, List<Subscription> subs, DateTime now)
    {
        DateTime last = leaf.LastActivity;
        return new ConnInfo
        {
            Cid = leaf.Id,
            Kind = "Leafnode",
            Type = null,
            Ip = leaf.RemoteHost,
            Port = leaf.RemotePort,
            Start = GoFormat.Time(leaf.Started),
            LastActivity = GoFormat.Time(last),
            Rtt = GoFormat.Duration(TruncateRtt(leaf.Rtt)),
            Uptime = GoFormat.Uptime(now - leaf.Started),
            Idle = GoFormat.Uptime(now - last),
            PendingBytes = (int)leaf.PendingBytes,
            InMsgs = Volatile.Read(ref leaf.InMsgs),
            OutMsgs = Volatile.Read(ref leaf.OutMsgs),
            InBytes = Volatile.Read(ref leaf.InBytes),
            OutBytes = Volatile.Read(ref leaf.OutBytes),
            Subscriptions = subs.Count,
            Name = NullIfEmpty(leaf.RemoteName),
            StartTime = leaf.Started,
            LastActivityTime = last,
            AccountName = account,
            Subs = subs.Select(s => new SubDetail
            {
                Subject = Encoding.UTF8.GetString(s.Subject),
                Queue = s.Queue is null ? null : Encoding.UTF8.GetString(s.Queue),
                Sid = Encoding.UTF8.GetString(s.Sid),
                Msgs = Interlocked.Read(ref s.Delivered),
                Cid = leaf.Id,
            }).ToList(),
        };
    }

    /// <summary>nats-server shows sub-millisecond RTTs to the microsecond.</summary>
    internal static TimeSpan TruncateRtt(TimeSpan rtt) =>
        rtt > TimeSpan.FromMicroseconds(1) && rtt < TimeSpan.FromMilliseconds(1)
            ? TimeSpan.FromTicks(rtt.Ticks - (rtt.Ticks % TimeSpan.TicksPerMicrosecond))
            : rtt;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
