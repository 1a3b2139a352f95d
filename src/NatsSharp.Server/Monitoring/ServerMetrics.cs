using System.Diagnostics.Metrics;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The server's numbers as one <see cref="System.Diagnostics.Metrics.Meter"/> ("NatsSharp.Server"), for
/// dotnet-counters, OpenTelemetry and <c>/metrics</c>. Every instrument is observable: it reads the
/// counters the server keeps anyway (ServerStats, the registries, the per-connection counters) when
/// someone collects, so the message path pays nothing for it.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "NatsSharp.Server";

    private readonly NatsServer _server;
    private readonly ServerMonitor _monitor;

    public ServerMetrics(NatsServer server, ServerMonitor monitor)
    {
        _server = server;
        _monitor = monitor;
        Meter = new Meter(MeterName, ServerVersion.Product);
        ServerStats s = server.Stats;
        Meter.CreateObservableCounter("nats.in.messages", () => s.InMsgs, "{message}", "Messages received from clients, routes and leafnodes");
        Meter.CreateObservableCounter("nats.out.messages", () => s.OutMsgs, "{message}", "Messages sent to clients, routes and leafnodes");
        Meter.CreateObservableCounter("nats.in.bytes", () => s.InBytes, "By", "Payload bytes received");
        Meter.CreateObservableCounter("nats.out.bytes", () => s.OutBytes, "By", "Payload bytes sent");
        Meter.CreateObservableCounter("nats.connections.accepted", () => s.TotalConnections, "{connection}", "Client connections accepted since start");
        Meter.CreateObservableUpDownCounter("nats.connections", Connections, "{connection}", "Open connections by kind (client, route, leaf)");
        Meter.CreateObservableUpDownCounter("nats.subscriptions", Subscriptions, "{subscription}", "Subscriptions in all accounts (clients', routes', leafs' and the server's own)");
        Meter.CreateObservableCounter("nats.slow_consumers", () => SlowConsumers(s), "{event}", "Slow consumers detected, by connection kind");
        Meter.CreateObservableUpDownCounter("nats.account.connections", AccountConnections, "{connection}", "Open client and leaf connections per account");
        Meter.CreateObservableUpDownCounter("nats.account.subscriptions", AccountSubscriptions, "{subscription}", "Subscriptions per account");
        Meter.CreateObservableCounter("nats.account.in.messages", () => AccountData(static a => a.Received.Msgs), "{message}", "Messages published by the account's clients (open and closed)");
        Meter.CreateObservableCounter("nats.account.out.messages", () => AccountData(static a => a.Sent.Msgs), "{message}", "Messages delivered to the account's clients (open and closed)");
        Meter.CreateObservableCounter("nats.account.in.bytes", () => AccountData(static a => a.Received.Bytes), "By", "Bytes published by the account's clients");
        Meter.CreateObservableCounter("nats.account.out.bytes", () => AccountData(static a => a.Sent.Bytes), "By", "Bytes delivered to the account's clients");
        Meter.CreateObservableUpDownCounter("nats.route.up", Routes, "{route}", "1 for each registered route, by remote server id");
        Meter.CreateObservableUpDownCounter("nats.leafnode.up", Leafs, "{leafnode}", "1 for each leafnode connection, by account and remote server name");
    }

    public Meter Meter { get; }

    private IEnumerable<Measurement<long>> Connections() =>
    [
        new(_server.ClientCount, new KeyValuePair<string, object?>("kind", "client")),
        new(_server.RouteCount, new KeyValuePair<string, object?>("kind", "route")),
        new(_server.LeafNodeCount, new KeyValuePair<string, object?>("kind", "leaf")),
    ];

    private static IEnumerable<Measurement<long>> SlowConsumers(ServerStats s) =>
    [
        new(s.SlowConsumers - s.SlowRoutes - s.SlowLeafs, new KeyValuePair<string, object?>("kind", "client")),
        new(s.SlowRoutes, new KeyValuePair<string, object?>("kind", "route")),
        new(s.SlowLeafs, new KeyValuePair<string, object?>("kind", "leaf")),
    ];

    private long Subscriptions() => _server.AllAccounts.Sum(a => (long)a.Sublist.Count);

    private IEnumerable<Measurement<long>> AccountSubscriptions() =>
        _server.AllAccounts.Select(a => new Measurement<long>(a.Sublist.Count, Account(a.Name)));

    private IEnumerable<Measurement<long>> AccountConnections() =>
        _monitor.AccountStatz(includeUnused: true).Accounts.SelectMany(a => new[]
        {
            new Measurement<long>(a.Conns, Account(a.Account), new KeyValuePair<string, object?>("kind", "client")),
            new Measurement<long>(a.LeafNodes, Account(a.Account), new KeyValuePair<string, object?>("kind", "leaf")),
        });

    private IEnumerable<Measurement<long>> AccountData(Func<AccountStat, long> value) =>
        _monitor.AccountStatz(includeUnused: true).Accounts.Select(a => new Measurement<long>(value(a), Account(a.Account)));

    private IEnumerable<Measurement<long>> Routes() =>
        (_server.Cluster?.Routes ?? []).Select(r => new Measurement<long>(1, new KeyValuePair<string, object?>("remote_id", r.RemoteId)));

    private IEnumerable<Measurement<long>> Leafs() =>
        (_server.LeafNodes?.All ?? []).Select(l => new Measurement<long>(1, Account(l.Account?.Name ?? ""), new KeyValuePair<string, object?>("remote", l.RemoteName)));

    private static KeyValuePair<string, object?> Account(string name) => new("account", name);

    public void Dispose() => Meter.Dispose();
}
