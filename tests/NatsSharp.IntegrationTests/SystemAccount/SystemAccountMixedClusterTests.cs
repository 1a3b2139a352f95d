using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.SystemAccount;

/// <summary>
/// Issue 14's "done when": a system user on a 3-node cluster mixed of NatsSharp (ONE, TWO) and nats-server
/// (REAL) gets, for every request and event of the scope, the same answers as on a cluster of three
/// nats-server 2.9.10 nodes with the same names and config: as many answers, from the same nodes, each
/// with the same JSON shape as the all-nats-server node of that name (ids, times and counters differ by nature).
/// </summary>
public class SystemAccountMixedClusterTests
{
    // Ours only: /varz names its own version; an RTT shows only once measured.
    private static readonly HashSet<string> Ignored = ["data.natssharp_version", "client.rtt"];

    private static string NodeConfig(string name, int clusterPort, int seedPort) => $$"""
        server_name: {{name}}
        {{SystemAccountSideBySideTests.Config}}
        cluster {
          name: mixed
          listen: 127.0.0.1:{{clusterPort}}
          routes: [nats-route://127.0.0.1:{{seedPort}}]
        }
        """;

    /// <summary>Subject (<c>{TWO}</c>: node TWO's id), body, and how many nodes answer (checked on the nats-server cluster too).</summary>
    public static readonly TheoryData<string, string, int> Requests = new()
    {
        { "$SYS.REQ.SERVER.PING", "", 3 },
        { "$SYS.REQ.SERVER.PING.STATSZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.VARZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.CONNZ", """{"subscriptions":true}""", 3 },
        { "$SYS.REQ.SERVER.PING.SUBSZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.ROUTEZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.ROUTEZ", """{"subscriptions":true}""", 3 },
        { "$SYS.REQ.SERVER.PING.LEAFZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.GATEWAYZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.ACCOUNTZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.ACCOUNTZ", """{"account":"APP"}""", 3 },
        { "$SYS.REQ.SERVER.PING.HEALTHZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.JSZ", "", 3 },
        { "$SYS.REQ.SERVER.PING.VARZ", """{"server_name":"TWO"}""", 1 },
        { "$SYS.REQ.SERVER.{TWO}.STATSZ", "", 1 },
        { "$SYS.REQ.SERVER.{TWO}.VARZ", "", 1 },
        { "$SYS.REQ.SERVER.{TWO}.CONNZ", """{"subscriptions":true}""", 1 },
        { "$SYS.REQ.SERVER.{TWO}.SUBSZ", """{"subscriptions":true}""", 1 },
        { "$SYS.REQ.SERVER.{TWO}.ROUTEZ", "", 1 },
        { "$SYS.REQ.SERVER.{TWO}.HEALTHZ", "", 1 },
        { "$SYS.REQ.ACCOUNT.APP.CONNZ", "", 3 },
        { "$SYS.REQ.ACCOUNT.APP.SUBSZ", "", 3 },
        { "$SYS.REQ.ACCOUNT.APP.LEAFZ", "", 3 },
        { "$SYS.REQ.ACCOUNT.APP.INFO", "", 3 },
        { "$SYS.REQ.ACCOUNT.APP.JSZ", "", 3 },
        { "$SYS.REQ.ACCOUNT.APP.STATZ", "", 1 },
        { "$SYS.REQ.ACCOUNT.PING.STATZ", "", 2 },
        { "$SYS.REQ.ACCOUNT.PING.STATZ", """{"accounts":["APP"]}""", 1 },
        { "$SYS.REQ.ACCOUNT.PING.STATZ", """{"include_unused":true}""", 3 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Request_gets_the_answers_an_all_nats_server_cluster_gives(string subject, string body, int answers)
    {
        await using Cluster real = await Cluster.StartAsync(mixed: false);
        await using Cluster mixed = await Cluster.StartAsync(mixed: true);

        Dictionary<string, string> expected = await real.AskAsync(subject, body, answers);
        Dictionary<string, string> actual = await mixed.AskAsync(subject, body, answers);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach ((string node, string json) in expected)
        {
            JsonShape.AssertSame($"{subject} {body} from {node}", json, actual[node], Ignored, "data.http_req_stats");
        }
    }

    [Fact]
    public async Task Connect_disconnect_and_statsz_events_cross_the_cluster_as_in_an_all_nats_server_cluster()
    {
        await using Cluster real = await Cluster.StartAsync(mixed: false);
        await using Cluster mixed = await Cluster.StartAsync(mixed: true);

        Dictionary<string, string> expected = await real.EventsAsync();
        Dictionary<string, string> actual = await mixed.EventsAsync();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, string json) in expected)
        {
            JsonShape.AssertSame(key, json, actual[key], Ignored);
        }
    }

    /// <summary>
    /// Our node sends an account's CONNS update only when someone would get it: a subscriber on another node is one
    /// (its interest came over the route), and the update counts TWO's connections.
    /// </summary>
    [Fact]
    public async Task Conns_update_reaches_a_subscriber_on_another_node()
    {
        await using Cluster mixed = await Cluster.StartAsync(mixed: true);
        await using SysClient sys = await SysClient.ConnectAsync(mixed.RealPort, "sys", "sys");
        await sys.SubscribeAsync("$SYS.ACCOUNT.APP.SERVER.CONNS", 1);
        await sys.SubscribeAsync("_INBOX.c.>", 2);

        // The subscription has crossed the routes once a PING from REAL is answered by all three (each behind it).
        await sys.PublishAsync("$SYS.REQ.SERVER.PING", "_INBOX.c.ping", "");
        for (int answers = 0, i = 0; answers < 3 && i < 20; i++)
        {
            (string subject, string _) = await sys.NextAsync(TimeSpan.FromSeconds(10));
            answers += subject == "_INBOX.c.ping" ? 1 : 0;
        }

        var fromTwo = new List<int>();
        await using (SysClient app = await SysClient.ConnectAsync(mixed.TwoPort, "app", "app", "conns-probe"))
        {
            for (int i = 0; i < 20 && !fromTwo.Contains(2); i++)
            {
                (string subject, string body) = await sys.NextAsync(TimeSpan.FromSeconds(10));
                using JsonDocument doc = JsonDocument.Parse(body);
                if (subject == "$SYS.ACCOUNT.APP.SERVER.CONNS" && doc.RootElement.GetProperty("server").GetProperty("name").GetString() == "TWO")
                {
                    fromTwo.Add(doc.RootElement.GetProperty("conns").GetInt32());
                }
            }
        }

        Assert.Contains(2, fromTwo); // the cluster's APP client and the probe
    }

    /// <summary>Three nodes ONE (the seed), TWO and REAL; ONE and TWO are NatsSharp when mixed. An APP client with a subscription stays on TWO.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _nodes = [];
        private Dictionary<string, string> _ids = [];
        private SysClient? _app;

        public int OnePort { get; private set; }

        public int TwoPort { get; private set; }

        public int RealPort { get; private set; }

        public static async Task<Cluster> StartAsync(bool mixed)
        {
            var cluster = new Cluster();
            try
            {
                int seed = FreePort.Next();
                cluster.OnePort = await cluster.StartNodeAsync(NodeConfig("ONE", seed, seed), real: !mixed);
                cluster.TwoPort = await cluster.StartNodeAsync(NodeConfig("TWO", FreePort.Next(), seed), real: !mixed);
                cluster.RealPort = await cluster.StartNodeAsync(NodeConfig("REAL", FreePort.Next(), seed), real: true);

                // A full mesh: every node answers a PING sent to any of them, and all know all (active_servers).
                await Eventually.TrueAsync(async () => (await cluster.StatszAsync()).Count == 3, "three nodes answering", TimeSpan.FromSeconds(20));
                Dictionary<string, (string Id, int ActiveServers)> statsz = [];
                await Eventually.TrueAsync(async () => (statsz = await cluster.StatszAsync()).Count == 3 && statsz.Values.All(s => s.ActiveServers == 3), "every node counting three", TimeSpan.FromSeconds(30));
                cluster._ids = statsz.ToDictionary(p => p.Key, p => p.Value.Id);

                cluster._app = await SysClient.ConnectAsync(cluster.TwoPort, "app", "app", "app-client");
                await cluster._app.SubscribeAsync("app.>", 1);
                await Eventually.TrueAsync(async () => await cluster.SeenOnOneAsync("app.x"), "APP's interest on ONE", TimeSpan.FromSeconds(10));
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        private async Task<int> StartNodeAsync(string config, bool real)
        {
            if (real)
            {
                RealNatsServer node = await ConfiguredServer.StartRealAsync(config);
                _nodes.Add(node);
                return node.Port;
            }

            NatsServer ours = await ConfiguredServer.StartAsync(config);
            _nodes.Add(ours);
            return ours.Port;
        }

        /// <summary>Whether an APP publish on ONE reaches the APP client on TWO (its subscription crossed the route).</summary>
        private async Task<bool> SeenOnOneAsync(string subject)
        {
            await using SysClient pub = await SysClient.ConnectAsync(OnePort, "app", "app", "probe");
            await pub.PublishAsync(subject, null, "probe");
            try
            {
                (string s, string _) = await _app!.NextAsync(TimeSpan.FromSeconds(2));
                return s == subject;
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                return false; // not there yet: probe again
            }
        }

        /// <summary>The STATSZ answers to a PING from ONE, by node name: as many as come within a short wait (the mesh may still be forming).</summary>
        private async Task<Dictionary<string, (string Id, int ActiveServers)>> StatszAsync()
        {
            await using SysClient sys = await SysClient.ConnectAsync(OnePort, "sys", "sys");
            await sys.SubscribeAsync("_INBOX.s.>", 1);
            await sys.PublishAsync("$SYS.REQ.SERVER.PING", "_INBOX.s.1", "");
            var got = new Dictionary<string, (string, int)>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    (string _, string b) = await sys.NextAsync(TimeSpan.FromSeconds(2));
                    using JsonDocument doc = JsonDocument.Parse(b);
                    JsonElement server = doc.RootElement.GetProperty("server");
                    got[server.GetProperty("name").GetString()!] = (server.GetProperty("id").GetString()!, doc.RootElement.GetProperty("statsz").GetProperty("active_servers").GetInt32());
                }
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // fewer nodes answer yet: the caller asks again
            }

            return got;
        }

        /// <summary>
        /// Asks from ONE as the system user and collects <paramref name="answers"/> answers by node name; then
        /// proves no node answered twice: a PING sent after reaches each node behind its answers, so a late
        /// one would arrive before that node's PING answer.
        /// </summary>
        public async Task<Dictionary<string, string>> AskAsync(string subject, string body, int answers)
        {
            subject = subject.Replace("{TWO}", _ids["TWO"], StringComparison.Ordinal);
            await using SysClient sys = await SysClient.ConnectAsync(OnePort, "sys", "sys");
            await sys.SubscribeAsync("_INBOX.m.>", 1);
            await sys.PublishAsync(subject, "_INBOX.m.answer", body);
            var got = new Dictionary<string, string>();
            for (int i = 0; i < answers; i++)
            {
                (string s, string b) = await sys.NextAsync(TimeSpan.FromSeconds(10));
                Assert.Equal("_INBOX.m.answer", s);
                Assert.True(got.TryAdd(NodeOf(b), b), $"{NodeOf(b)} answered twice: {b}");
            }

            await sys.PublishAsync("$SYS.REQ.SERVER.PING", "_INBOX.m.end", "");
            for (int i = 0; i < 3; i++)
            {
                (string s, string b) = await sys.NextAsync(TimeSpan.FromSeconds(10));
                Assert.True(s == "_INBOX.m.end", $"an extra answer to {subject} from {NodeOf(b)}: {b}");
            }

            return got;
        }

        /// <summary>
        /// Seen from ONE: the CONNECT and DISCONNECT advisories of an APP client on TWO and one on REAL, and the
        /// STATSZ event of each node (a PING without reply makes every node publish it), keyed by kind and node.
        /// </summary>
        public async Task<Dictionary<string, string>> EventsAsync()
        {
            await using SysClient sys = await SysClient.ConnectAsync(OnePort, "sys", "sys");
            await sys.SubscribeAsync("$SYS.ACCOUNT.APP.CONNECT", 1);
            await sys.SubscribeAsync("$SYS.ACCOUNT.APP.DISCONNECT", 2);
            await sys.SubscribeAsync("$SYS.SERVER.*.STATSZ", 3);
            await AskAsync("$SYS.REQ.SERVER.PING", "", 3); // our subscriptions have reached every node

            foreach (int port in new[] { TwoPort, RealPort })
            {
                await using SysClient app = await SysClient.ConnectAsync(port, "app", "app", "app-events");
                await app.PublishAsync("app.y", null, "hi");
            }

            await sys.PublishAsync("$SYS.REQ.SERVER.PING", null, "");
            var events = new Dictionary<string, string>();
            for (int i = 0; i < 100 && events.Count < 7; i++)
            {
                (string subject, string body) = await sys.NextAsync(TimeSpan.FromSeconds(40));
                string kind = subject.EndsWith(".STATSZ", StringComparison.Ordinal) ? "STATSZ" : subject["$SYS.ACCOUNT.APP.".Length..];
                events.TryAdd($"{kind} from {NodeOf(body)}", body);
            }

            return events;
        }

        private static string NodeOf(string body)
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("server").GetProperty("name").GetString()!;
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }

            foreach (IAsyncDisposable node in Enumerable.Reverse(_nodes))
            {
                await node.DisposeAsync();
            }
        }
    }
}
