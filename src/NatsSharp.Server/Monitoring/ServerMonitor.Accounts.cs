using System.Collections.Concurrent;
using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.Server.Monitoring;

/// <summary>/accountz and /accstatz: every account, its connections, exports, imports and traffic.</summary>
internal sealed partial class ServerMonitor
{
    private readonly ConcurrentDictionary<string, AccountTotals> _closedTotals = new(StringComparer.Ordinal);

    /// <summary>From the single close path: keeps the connection for /connz?state=closed and its traffic for /accstatz.</summary>
    public void RecordClosed(ClientConnection client, ClosedReason reason)
    {
        var closed = new ClosedConnection(client, DateTime.UtcNow, reason);
        Closed.Add(closed);
        _closedTotals.GetOrAdd(closed.AccountName, static _ => new AccountTotals()).Add(closed);
    }

    public Accountz Accountz(string name)
    {
        string now = GoFormat.Time(DateTime.UtcNow);
        if (name.Length == 0)
        {
            return new Accountz { ServerId = _server.ServerId, Now = now, SystemAccount = SystemAccountName(), Accounts = [.. SortedAccounts().Select(a => a.Name)] };
        }

        Account account = _server.FindAccount(name) ?? throw new MonitorQueryException($"Account {name} does not exist");
        Usage usage = UsageByAccount().GetValueOrDefault(account.Name) ?? new Usage();
        var stats = new SublistStatsJson();
        stats.Add(account.Sublist.Stats());
        return new Accountz
        {
            ServerId = _server.ServerId,
            Now = now,
            SystemAccount = SystemAccountName(),
            AccountDetail = new AccountInfo
            {
                AccountName = account.Name,
                UpdateTime = GoFormat.Time(_server.StartTime),
                IsSystem = account.Name == SystemAccountName(),
                LeafNodeConnections = usage.Leafs,
                ClientConnections = usage.Clients,
                Subscriptions = stats.NumSubscriptions,
                Exports = Exports(account),
                Imports = Imports(account),
                SublistStats = stats,
                Responses = Responses(account),
            },
        };
    }

    /// <summary>
    /// /accstatz: accounts with client connections (all with <paramref name="includeUnused"/>).
    /// sent/received add up the account's client connections, open and closed: what its clients
    /// published and what was delivered to them (per-account counters would cost the message path).
    /// </summary>
    public AccountStatz AccountStatz(bool includeUnused)
    {
        Dictionary<string, Usage> usage = UsageByAccount();
        var stats = new List<AccountStat>();
        foreach (Account account in SortedAccounts())
        {
            Usage u = usage.GetValueOrDefault(account.Name) ?? new Usage();
            if (!includeUnused && u.Clients == 0)
            {
                continue; // as nats-server: leafnodes alone do not list an account
            }

            AccountTotals? gone = _closedTotals.GetValueOrDefault(account.Name);
            stats.Add(new AccountStat
            {
                Account = account.Name,
                Conns = u.Clients,
                LeafNodes = u.Leafs,
                TotalConns = u.Clients + u.Leafs,
                Sent = new DataStats { Msgs = u.OutMsgs + (gone?.OutMsgs ?? 0), Bytes = u.OutBytes + (gone?.OutBytes ?? 0) },
                Received = new DataStats { Msgs = u.InMsgs + (gone?.InMsgs ?? 0), Bytes = u.InBytes + (gone?.InBytes ?? 0) },
                SlowConsumers = gone?.SlowConsumers ?? 0,
            });
        }

        return new AccountStatz { ServerId = _server.ServerId, Now = GoFormat.Time(DateTime.UtcNow), Accounts = stats };
    }

    /// <summary>
    /// One account's entry of <see cref="AccountStatz"/> (with unused accounts): what each connect and
    /// disconnect reports on <c>$SYS</c>. The account's clients come from <see cref="ClientRegistry"/>'s
    /// list of them, not a walk over every client: in a storm of connects this runs once per connect.
    /// </summary>
    public AccountStat AccountStatOf(string account)
    {
        AccountTraffic open = _server.ClientRegistry.TrafficOf(account);
        int leafs = LeafCountOf(account);
        AccountTotals? gone = _closedTotals.GetValueOrDefault(account);
        return new AccountStat
        {
            Account = account,
            Conns = open.Clients,
            LeafNodes = leafs,
            TotalConns = open.Clients + leafs,
            Sent = new DataStats { Msgs = open.OutMsgs + (gone?.OutMsgs ?? 0), Bytes = open.OutBytes + (gone?.OutBytes ?? 0) },
            Received = new DataStats { Msgs = open.InMsgs + (gone?.InMsgs ?? 0), Bytes = open.InBytes + (gone?.InBytes ?? 0) },
            SlowConsumers = gone?.SlowConsumers ?? 0,
        };
    }

    /// <summary>The account's open connections, clients and leafnodes (<see cref="AccountStat.TotalConns"/>), without its counters.</summary>
    public int ConnectionCountOf(string account) => _server.ClientRegistry.CountIn(account) + LeafCountOf(account);

    private int LeafCountOf(string account)
    {
        int leafs = 0;
        foreach (LeafConnection leaf in _server.LeafNodes?.All ?? [])
        {
            if (LeafAccount(leaf) == account)
            {
                leafs++;
            }
        }

        return leafs;
    }

    /// <summary>"$G" first, then the configured accounts by name (nats-server's order is its map's, i.e. random).</summary>
    private IEnumerable<Account> SortedAccounts() => _server.AllAccounts.OrderBy(a => a.Name, StringComparer.Ordinal);

    /// <summary>The account a leafnode connection is bound to ("" until its CONNECT or INFO binds it).</summary>
    private static string LeafAccount(LeafConnection leaf) => leaf.Account?.Name ?? "";

    /// <summary>The system account (<c>system_account</c>, else the default <c>$SYS</c>), as nats-server reports it.</summary>
    private string? SystemAccountName() => _server.SystemAccountName;

    private List<LeafConnection> AccountLeafs(string account) =>
        [.. (_server.LeafNodes?.All ?? []).Where(l => LeafAccount(l) == account).OrderBy(l => l.Id)];

    /// <summary>One pass over the connections: each account's clients, leafs and its open clients' counters.</summary>
    private Dictionary<string, Usage> UsageByAccount()
    {
        var usage = new Dictionary<string, Usage>(StringComparer.Ordinal);
        foreach (ClientConnection client in _server.Clients)
        {
            Of(client.AccountName).Add(client);
        }

        foreach (LeafConnection leaf in _server.LeafNodes?.All ?? [])
        {
            Of(LeafAccount(leaf)).Leafs++;
        }

        return usage;

        Usage Of(string account)
        {
            if (!usage.TryGetValue(account, out Usage? u))
            {
                usage[account] = u = new Usage();
            }

            return u;
        }
    }

    /// <summary>Service exports first, then streams, each in config order (nats-server keeps them in maps).</summary>
    private static List<ExportInfo>? Exports(Account account)
    {
        var exports = new List<ExportInfo>();
        foreach (AccountExport e in account.Exports.Where(e => e.Kind == ExchangeKind.Service))
        {
            exports.Add(new ExportInfo
            {
                Subject = e.Subject,
                Type = "service",
                ResponseType = e.ResponseType switch
                {
                    ServiceResponseType.Streamed => "Streamed",
                    ServiceResponseType.Chunked => "Chunked",
                    _ => "Singleton",
                },
                ApprovedAccounts = e.Accounts.Count > 0 ? [.. e.Accounts] : null,
            });
        }

        foreach (AccountExport e in account.Exports.Where(e => e.Kind == ExchangeKind.Stream))
        {
            exports.Add(new ExportInfo { Subject = e.Subject, Type = "stream", ApprovedAccounts = e.Accounts.Count > 0 ? [.. e.Accounts] : null });
        }

        return exports.Count > 0 ? exports : null;
    }

    /// <summary>Stream imports first, then services, as nats-server lists them.</summary>
    private static List<ImportInfo>? Imports(Account account)
    {
        var imports = new List<ImportInfo>();
        foreach (StreamImport s in account.StreamImports)
        {
            imports.Add(new ImportInfo { Subject = s.From, Account = s.Exporter.Name, LocalSubject = s.To, Type = "stream" });
        }

        foreach (ServiceImport s in account.ServiceImports)
        {
            imports.Add(new ImportInfo { Subject = s.From, Account = s.Exporter.Name, To = s.To, Type = "service", Share = s.Share });
        }

        return imports.Count > 0 ? imports : null;
    }

    /// <summary>
    /// Reply mappings waiting for a response from <paramref name="exporter"/>'s services. The
    /// importing accounts keep them; nats-server lists them under the exporting account.
    /// </summary>
    private SortedDictionary<string, ResponseInfo>? Responses(Account exporter)
    {
        var responses = new SortedDictionary<string, ResponseInfo>(StringComparer.Ordinal);
        foreach (Account importer in _server.AllAccounts)
        {
            foreach (var (subject, reply, import) in importer.Responses.Waiting())
            {
                if (import.Exporter == exporter)
                {
                    responses[subject] = new ResponseInfo { Subject = subject, Account = importer.Name, To = Encoding.UTF8.GetString(reply), Share = import.Share };
                }
            }
        }

        return responses.Count > 0 ? responses : null;
    }

    private sealed class Usage
    {
        public int Clients;
        public int Leafs;
        public long InMsgs;
        public long InBytes;
        public long OutMsgs;
        public long OutBytes;

        /// <summary>Counts an open client and its counters.</summary>
        public void Add(ClientConnection client)
        {
            Clients++;
            InMsgs += Volatile.Read(ref client.InMsgs);
            InBytes += Volatile.Read(ref client.InBytes);
            OutMsgs += Volatile.Read(ref client.OutMsgs);
            OutBytes += Volatile.Read(ref client.OutBytes);
        }
    }
}
