using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The events: STATSZ heartbeats (250 ms after start, doubling up to every 30 s), the connect and
/// disconnect advisories of every account but <c>$G</c>, the account connection counts (on each
/// change and every 30 s while an account has connections), and auth errors.
/// </summary>
internal sealed partial class SystemServices
{
    private readonly ConcurrentDictionary<string, Timer> _accountHeartbeats = new(StringComparer.Ordinal);

    // Per account, 1 while its CONNS update is queued (see AccountConnsChanged).
    private readonly ConcurrentDictionary<string, StrongBox<int>> _connsQueued = new(StringComparer.Ordinal);

    private readonly Dictionary<string, (ConnsSubject Old, ConnsSubject Current)> _connsSubjects = new(StringComparer.Ordinal);

    /// <summary>Our handler of other servers' CONNS updates (<c>$SYS.SERVER.ACCOUNT.*.CONNS</c>).</summary>
    private Internal.InternalSubscriber? _remoteConns;

    private void OnStatszTimer()
    {
        if (_stopped)
        {
            return;
        }

        _statszInterval = _statszInterval * 2 > HeartbeatInterval ? HeartbeatInterval : _statszInterval * 2;
        try
        {
            _statszTimer?.Change(_statszInterval, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        _work.Writer.TryWrite(() => SendStatsz($"$SYS.SERVER.{ServerId}.STATSZ"));
    }

    private void SendStatsz(string subject)
    {
        var message = new ServerStatsMessage { Stats = Statsz() };
        Send(subject, null, message, SystemJson.Default.ServerStatsMessage, static m => m.Server);
    }

    private ServerStatsData Statsz()
    {
        ServerStats stats = _server.Stats;
        Varz varz = Monitor.Varz(); // the same cpu/mem sampling as /varz
        var routes = new List<RouteStat>();
        foreach (RouteConnection route in (_server.Cluster?.Routes ?? []).OrderBy(r => r.Id))
        {
            routes.Add(new RouteStat
            {
                Id = route.Id,
                Name = route.RemoteInfo?.ServerName is { Length: > 0 } name ? name : null,
                Sent = new DataStats { Msgs = Volatile.Read(ref route.OutMsgs), Bytes = Volatile.Read(ref route.OutBytes) },
                Received = new DataStats { Msgs = Volatile.Read(ref route.InMsgs), Bytes = Volatile.Read(ref route.InBytes) },
                Pending = (int)route.PendingBytes,
            });
        }

        return new ServerStatsData
        {
            Start = GoFormat.Time(_server.StartTime),
            Mem = varz.Mem,
            Cores = varz.Cores,
            Cpu = varz.Cpu,
            Connections = _server.ClientCount,
            TotalConnections = stats.TotalConnections,
            ActiveAccounts = ActiveAccounts(),
            Subscriptions = varz.Subscriptions,
            Sent = new DataStats { Msgs = stats.OutMsgs, Bytes = stats.OutBytes },
            Received = new DataStats { Msgs = stats.InMsgs, Bytes = stats.InBytes },
            SlowConsumers = stats.SlowConsumers,
            Routes = routes.Count > 0 ? routes : null,
            ActiveServers = 1 + RemoteServerCount,
        };
    }

    /// <summary>Accounts with a connection; the system account counts for its own internal client, as in nats-server.</summary>
    private int ActiveAccounts()
    {
        var active = new HashSet<string>(StringComparer.Ordinal) { Account.Name };
        foreach (ClientConnection client in _server.Clients)
        {
            active.Add(client.AccountName);
        }

        foreach (LeafNodes.LeafConnection leaf in _server.LeafNodes?.All ?? [])
        {
            if (leaf.Account is { } account)
            {
                active.Add(account.Name);
            }
        }

        return active.Count;
    }

    /// <summary>A client passed CONNECT: its account's connection count, then (outside <c>$G</c>) the connect advisory.</summary>
    public void ClientConnected(ClientConnection client)
    {
        string account = client.AccountName;
        AccountConnsChanged(account);
        if (account == Accounts.Account.GlobalName)
        {
            return; // $G has no advisory: nothing is built per connect
        }

        QueueConnectAdvisory(account, DateTime.UtcNow, Describe(client, client.ConnectInfo, account, null));
    }

    /// <summary>A client that had passed CONNECT closed: (outside <c>$G</c>) its account's count, then the disconnect advisory.</summary>
    public void ClientClosed(ClientConnection client, ClosedReason reason)
    {
        string account = client.AccountName;
        if (account == Accounts.Account.GlobalName)
        {
            return; // nats-server reports neither for the global account
        }

        DateTime now = DateTime.UtcNow;
        DisconnectEventMessage message = Disconnect(client, client.ConnectInfo, account, now, ClosedReasonText.Of(reason));
        AccountConnsChanged(account);
        QueueDisconnectAdvisory(account, message);
    }

    /// <summary><c>$SYS.ACCOUNT.&lt;acc&gt;.CONNECT</c> (a client's or a leaf's), sent from the work loop.</summary>
    private void QueueConnectAdvisory(string account, DateTime now, EventClientInfo info) => _work.Writer.TryWrite(() =>
    {
        var message = new ConnectEventMessage { Id = NextEventId(), Timestamp = GoFormat.Time(now), Client = info };
        Send($"$SYS.ACCOUNT.{account}.CONNECT", null, message, SystemJson.Default.ConnectEventMessage, static m => m.Server);
    });

    /// <summary><c>$SYS.ACCOUNT.&lt;acc&gt;.DISCONNECT</c> (a client's or a leaf's), sent from the work loop.</summary>
    private void QueueDisconnectAdvisory(string account, DisconnectEventMessage message) =>
        _work.Writer.TryWrite(() => Send($"$SYS.ACCOUNT.{account}.DISCONNECT", null, message, SystemJson.Default.DisconnectEventMessage, static m => m.Server));

    /// <summary>A CONNECT refused: <c>$SYS.SERVER.&lt;id&gt;.CLIENT.AUTH.ERR</c> with the client as it presented itself (in <c>$G</c>).</summary>
    public void AuthenticationFailed(ClientConnection client, ConnectOptions connect)
    {
        DisconnectEventMessage message = Disconnect(client, connect, Accounts.Account.GlobalName, DateTime.UtcNow, "Authentication Failure");
        message.Client.User = string.IsNullOrEmpty(connect.User) ? null : connect.User;
        _work.Writer.TryWrite(() => Send($"$SYS.SERVER.{ServerId}.CLIENT.AUTH.ERR", null, message, SystemJson.Default.DisconnectEventMessage, static m => m.Server));
    }

    private static DisconnectEventMessage Disconnect(ClientConnection client, ConnectOptions? connect, string account, DateTime now, string reason)
    {
        EventClientInfo info = Describe(client, connect, account, now);
        info.Rtt = client.Rtt.Ticks * 100;
        return new DisconnectEventMessage
        {
            Id = NextEventId(),
            Timestamp = GoFormat.Time(now),
            Client = info,
            Sent = new DataStats { Msgs = Volatile.Read(ref client.InMsgs), Bytes = Volatile.Read(ref client.InBytes) },
            Received = new DataStats { Msgs = Volatile.Read(ref client.OutMsgs), Bytes = Volatile.Read(ref client.OutBytes) },
            Reason = reason,
        };
    }

    private static EventClientInfo Describe(ClientConnection client, ConnectOptions? connect, string account, DateTime? stop) => new()
    {
        Start = GoFormat.Time(client.Started),
        Host = client.RemoteHost,
        Id = client.Id,
        Account = account,
        User = client.LoginUser is { Length: > 0 } user ? user : null,
        Name = NullIfEmpty(connect?.Name),
        Lang = NullIfEmpty(connect?.Lang),
        Version = NullIfEmpty(connect?.Version),
        Stop = stop is null ? null : GoFormat.Time(stop.Value),
        Kind = "Client",
        ClientType = client.IsWebSocket ? "websocket" : "nats",
    };

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>A leafnode joined or left <paramref name="account"/>: its connection count changed.</summary>
    public void LeafChanged(string account) => AccountConnsChanged(account);

    /// <summary>
    /// The account's connection count changed: queues its CONNS update unless one is queued already. The queued one
    /// counts when it runs, so it reports this change too and comes before any advisory queued after it (nats-server's
    /// order: the count, then the advisory); a storm of connects queues one update per backlog, not one per connect.
    /// </summary>
    private void AccountConnsChanged(string account)
    {
        StrongBox<int> queued = _connsQueued.GetOrAdd(account, static _ => new StrongBox<int>());
        if (Interlocked.Exchange(ref queued.Value, 1) == 0)
        {
            _work.Writer.TryWrite(() =>
            {
                Volatile.Write(ref queued.Value, 0); // a change from here on queues the next update
                SendAccountConns(account);
            });
        }
    }

    /// <summary>
    /// <c>$SYS.SERVER.ACCOUNT.&lt;acc&gt;.CONNS</c> and <c>$SYS.ACCOUNT.&lt;acc&gt;.SERVER.CONNS</c>, and
    /// the 30 s heartbeat that repeats them while the account has connections.
    /// </summary>
    private void SendAccountConns(string account)
    {
        ScheduleAccountHeartbeat(account, Monitor.ConnectionCountOf(account) > 0);
        (ConnsSubject old, ConnsSubject current) = ConnsSubjects(account);
        if (!HasListener(old.Bytes) && !HasListener(current.Bytes))
        {
            return; // nobody would get it: in a storm of connects, the counters' sum and the JSON are skipped
        }

        AccountConnsMessage message = AccountConns(account);
        Send(old.Name, null, message, SystemJson.Default.AccountConnsMessage, static m => m.Server);
        Send(current.Name, null, message, SystemJson.Default.AccountConnsMessage, static m => m.Server);
    }

    private AccountConnsMessage AccountConns(string account)
    {
        AccountStat stat = Monitor.AccountStatOf(account);
        return new AccountConnsMessage
        {
            Id = NextEventId(),
            Timestamp = GoFormat.Time(DateTime.UtcNow),
            Account = account,
            Conns = stat.Conns,
            LeafNodes = stat.LeafNodes,
            TotalConns = stat.TotalConns,
            Sent = stat.Sent,
            Received = stat.Received,
            SlowConsumers = stat.SlowConsumers,
        };
    }

    /// <summary>An account's two CONNS subjects, old name first, kept per account (the work loop's alone).</summary>
    private (ConnsSubject Old, ConnsSubject Current) ConnsSubjects(string account)
    {
        if (!_connsSubjects.TryGetValue(account, out (ConnsSubject, ConnsSubject) subjects))
        {
            _connsSubjects[account] = subjects = (new($"$SYS.SERVER.ACCOUNT.{account}.CONNS"), new($"$SYS.ACCOUNT.{account}.SERVER.CONNS"));
        }

        return subjects;
    }

    /// <summary>A subject as sent and as matched.</summary>
    private sealed record ConnsSubject(string Name)
    {
        public byte[] Bytes { get; } = Encoding.UTF8.GetBytes(Name);
    }

    /// <summary>
    /// Whether a message on <paramref name="subject"/> in the system account would reach anyone: a client, a route or
    /// leaf (their interest is in the same sublist), an import, an internal handler. Our own handler of other servers'
    /// CONNS updates does not count: it drops this server's own.
    /// </summary>
    private bool HasListener(byte[] subject)
    {
        SublistResult result = Account.Sublist.Match(subject);
        if (result.Queues.Length > 0)
        {
            return true;
        }

        foreach (Subscription sub in result.Plain)
        {
            if (!ReferenceEquals(sub.Subscriber, _remoteConns))
            {
                return true;
            }
        }

        return false;
    }

    private void ScheduleAccountHeartbeat(string account, bool on)
    {
        if (!on)
        {
            if (_accountHeartbeats.TryRemove(account, out Timer? off))
            {
                off.Dispose();
            }

            return;
        }

        Timer timer = _accountHeartbeats.GetOrAdd(account, name => new Timer(_ => _work.Writer.TryWrite(() => SendAccountConns(name))));
        timer.Change(HeartbeatInterval, Timeout.InfiniteTimeSpan);
    }

    private void StopAccountHeartbeats()
    {
        foreach (Timer timer in _accountHeartbeats.Values)
        {
            timer.Dispose();
        }

        _accountHeartbeats.Clear();
    }

    /// <summary>Another server asks for our connections in an account (<c>$SYS.REQ.ACCOUNT.&lt;acc&gt;.CONNS</c>): we answer when we have some.</summary>
    private void OnConnsRequest(Internal.ReceivedMessage m, string[] tokens)
    {
        if (tokens.Length != 5 || m.Reply is not { } reply || _server.FindAccount(tokens[3]) is null)
        {
            return;
        }

        if (Monitor.AccountStatz(includeUnused: false).Accounts.Any(a => a.Account == tokens[3]))
        {
            Send(reply, null, AccountConns(tokens[3]), SystemJson.Default.AccountConnsMessage, static m => m.Server);
        }
    }
}
