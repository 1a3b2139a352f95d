using System.Net;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Monitoring with accounts, exports and imports: /accountz, /accstatz, /subsz?acc=, /connz?acc=
/// over real HTTP against a running NatsSharp with raw clients in two accounts, and side by side
/// with nats-server 2.9.10 (started with no_system_account, so both have the same accounts).
/// </summary>
public class MonitoringAccountTests
{
    private const string Accounts = """
        accounts {
          A: {
            users: [ {user: a, password: a}, {user: a2, password: a2} ]
            exports: [
              {stream: "foo.>"}
              {stream: "bar.*", accounts: [B]}
              {service: "help.*"}
              {service: "feed", accounts: [B], response_type: stream}
              {service: "chunk", response_type: chunked}
            ]
          }
          B: {
            users: [ {user: b, password: b}, {user: b2, password: b2} ]
            imports: [
              {stream: {account: A, subject: "foo.>"}, prefix: "p"}
              {stream: {account: A, subject: "bar.*"}}
              {service: {account: A, subject: "help.*"}, to: "ahelp.*"}
              {service: {account: A, subject: "feed"}, share: true}
            ]
          }
          C: { users: [ {user: c, password: c} ] }
        }
        """;

    private static async Task<TestServer> StartOursAsync(string systemAccount = "", LeafNodeOptions? leafNodes = null)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("monacc-").FullName, "ours.conf");
        await File.WriteAllTextAsync(file, Accounts);
        ServerOptions loaded = ConfigBinder.Load(file).Options;
        return await TestServer.StartAsync(o =>
        {
            o.Accounts = loaded.Accounts;
            o.SystemAccount = systemAccount;
            o.LeafNodes = leafNodes;
            o.HttpPort = ServerOptions.RandomPort;
        });
    }

    private static async Task<RealNatsServer> StartRealAsync()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("monacc-real-").FullName, "real.conf");
        await File.WriteAllTextAsync(file, "no_system_account: true\n" + Accounts);
        RealNatsServer real = await RealNatsServer.StartAsync("-c", file, "-m", "-1");
        Assert.True(real.MonitorPort > 0, "nats-server wrote no monitoring port");
        return real;
    }

    private static Task<RawClient> ConnectAs(int port, string user) =>
        RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"user\":\"{user}\",\"pass\":\"{user}\",\"name\":\"{user}-client\"}}");

    [Fact]
    public async Task Accountz_lists_every_account_and_details_exports_imports_and_waiting_responses()
    {
        await using TestServer server = await StartOursAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using Traffic traffic = await Traffic.MakeAsync(server.Port);

        JsonElement list = await http.JsonAsync("/accountz");
        Assert.Equal(["$G", "A", "B", "C"], list.GetProperty("accounts").EnumerateArray().Select(e => e.GetString()));
        Assert.False(list.TryGetProperty("system_account", out _)); // there is none

        JsonElement a = (await http.JsonAsync("/accountz?acc=A")).GetProperty("account_detail");
        Assert.Equal(("A", 1, 0), (a.GetProperty("account_name").GetString(), a.GetProperty("client_connections").GetInt32(), a.GetProperty("leafnode_connections").GetInt32()));

        // a's 3 subscriptions, the shadows of b's 3 in A's subject space, the response subscription.
        Assert.Equal(7, a.GetProperty("subscriptions").GetInt32());
        Assert.Equal(7, a.GetProperty("sublist_stats").GetProperty("num_subscriptions").GetInt32());
        Assert.Equal(
            [
                """{"subject":"help.*","type":"service","response_type":"Singleton"}""",
                """{"subject":"feed","type":"service","response_type":"Streamed","approved_accounts":["B"]}""",
                """{"subject":"chunk","type":"service","response_type":"Chunked"}""",
                """{"subject":"foo.\u003E","type":"stream"}""",
                """{"subject":"bar.*","type":"stream","approved_accounts":["B"]}""",
            ],
            a.GetProperty("exports").EnumerateArray().Select(Compact));
        Assert.False(a.TryGetProperty("imports", out _));

        // Both requests wait for their responses, listed under the exporting account.
        JsonElement responses = a.GetProperty("responses");
        Assert.Equal(traffic.Replies.Values.Order(StringComparer.Ordinal), responses.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            $$"""{"subject":"{{traffic.Replies["feed"]}}","account":"B","to":"_INBOX.r","type":2,"invalid":false,"share":true,"tracking":false}""",
            Compact(responses.GetProperty(traffic.Replies["feed"])));

        // The singleton's mapping is used up by its response; the streamed one stays.
        await traffic.A.SendAsync($"PUB {traffic.Replies["help"]} 2\r\nok\r\nPING\r\n");
        await traffic.A.ExpectAsync("PONG");
        await traffic.B.ExpectAsync("MSG _INBOX.r 4 2");
        await traffic.B.ExpectAsync("ok");
        responses = (await http.JsonAsync("/accountz?acc=A")).GetProperty("account_detail").GetProperty("responses");
        Assert.Equal([traffic.Replies["feed"]], responses.EnumerateObject().Select(p => p.Name));

        JsonElement b = (await http.JsonAsync("/accountz?acc=B")).GetProperty("account_detail");
        Assert.Equal(6, b.GetProperty("subscriptions").GetInt32()); // b's 4 and the 2 service imports'
        Assert.Equal(
            [
                """{"subject":"foo.\u003E","account":"A","local_subject":"p.foo.\u003E","type":"stream","invalid":false,"share":false,"tracking":false}""",
                """{"subject":"bar.*","account":"A","local_subject":"bar.*","type":"stream","invalid":false,"share":false,"tracking":false}""",
                """{"subject":"ahelp.*","account":"A","to":"help.*","type":"service","invalid":false,"share":false,"tracking":false}""",
                """{"subject":"feed","account":"A","to":"feed","type":"service","invalid":false,"share":true,"tracking":false}""",
            ],
            b.GetProperty("imports").EnumerateArray().Select(Compact));
        Assert.False(b.TryGetProperty("exports", out _));
        Assert.False(b.TryGetProperty("responses", out _));

        JsonElement c = (await http.JsonAsync("/accountz?acc=C")).GetProperty("account_detail");
        Assert.Equal((0, 0), (c.GetProperty("client_connections").GetInt32(), c.GetProperty("subscriptions").GetInt32()));
        Assert.Equal(["account_name", "update_time", "expired", "complete", "jetstream_enabled", "leafnode_connections", "client_connections", "subscriptions", "sublist_stats"],
            c.EnumerateObject().Select(p => p.Name));

        var (status, _, body) = await http.GetAsync("/accountz?acc=NOPE");
        Assert.Equal((HttpStatusCode.BadRequest, "Account NOPE does not exist"), (status, body));
    }

    [Fact]
    public async Task A_configured_system_account_is_reported_as_nats_server_reports_it()
    {
        await using TestServer server = await StartOursAsync(systemAccount: "C");
        using var http = new MonitorHttp(server.Server.MonitorPort);
        Assert.Equal("C", (await http.JsonAsync("/varz")).GetProperty("system_account").GetString());
        Assert.Equal("C", (await http.JsonAsync("/accountz")).GetProperty("system_account").GetString());
        JsonElement c = await http.JsonAsync("/accountz?acc=C");
        Assert.Equal("C", c.GetProperty("system_account").GetString());
        Assert.Equal(["account_name", "update_time", "is_system", "expired"], c.GetProperty("account_detail").EnumerateObject().Select(p => p.Name).Take(4));
        Assert.True(c.GetProperty("account_detail").GetProperty("is_system").GetBoolean());
        Assert.False((await http.JsonAsync("/accountz?acc=A")).GetProperty("account_detail").TryGetProperty("is_system", out _));
    }

    [Fact]
    public async Task Accstatz_reports_accounts_with_clients_and_keeps_the_traffic_of_closed_ones()
    {
        await using TestServer server = await StartOursAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using RawClient a = await ConnectAs(server.Port, "a");
        await using RawClient b = await ConnectAs(server.Port, "b");
        await b.SendAsync("SUB p.foo.bar 1\r\nSUB p.foo.* q1 2\r\nSUB bar.x 3\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        await a.SendAsync("PUB foo.bar 2\r\nhi\r\nPUB bar.x 3\r\nabc\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        Assert.Equal(6, await CountMessagesAsync(b)); // three MSG lines and their payloads

        // a published 2 messages (5 bytes) in A; b was delivered 3 (7 bytes) in B.
        JsonElement statz = await Eventually.JsonAsync(http, "/accstatz", z => Stat(z, "A") is { } s && s.GetProperty("received").GetProperty("msgs").GetInt64() == 2 && Stat(z, "B")?.GetProperty("sent").GetProperty("msgs").GetInt64() == 3);
        Assert.Equal(["A", "B"], statz.GetProperty("account_statz").EnumerateArray().Select(e => e.GetProperty("acc").GetString()));
        Assert.Equal("""{"acc":"A","conns":1,"leafnodes":0,"total_conns":1,"sent":{"msgs":0,"bytes":0},"received":{"msgs":2,"bytes":5},"slow_consumers":0}""", Compact(Stat(statz, "A")!.Value));
        Assert.Equal("""{"acc":"B","conns":1,"leafnodes":0,"total_conns":1,"sent":{"msgs":3,"bytes":7},"received":{"msgs":0,"bytes":0},"slow_consumers":0}""", Compact(Stat(statz, "B")!.Value));

        // a leaves: A drops out of the default list, and unused=1 still counts what a sent.
        await a.DisposeAsync();
        statz = await Eventually.JsonAsync(http, "/accstatz", z => Stat(z, "A") is null);
        Assert.Equal(["B"], statz.GetProperty("account_statz").EnumerateArray().Select(e => e.GetProperty("acc").GetString()));
        JsonElement all = await http.JsonAsync("/accstatz?unused=1");
        Assert.Equal(["$G", "A", "B", "C"], all.GetProperty("account_statz").EnumerateArray().Select(e => e.GetProperty("acc").GetString()));
        Assert.Equal("""{"acc":"A","conns":0,"leafnodes":0,"total_conns":0,"sent":{"msgs":0,"bytes":0},"received":{"msgs":2,"bytes":5},"slow_consumers":0}""", Compact(Stat(all, "A")!.Value));
    }

    [Fact]
    public async Task Subsz_sums_all_accounts_or_filters_one_and_shows_import_subscriptions()
    {
        await using TestServer server = await StartOursAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using Traffic traffic = await Traffic.MakeAsync(server.Port);

        Assert.Equal(7, (await http.JsonAsync("/subsz?acc=A")).GetProperty("num_subscriptions").GetInt32());
        Assert.Equal(6, (await http.JsonAsync("/subsz?acc=B")).GetProperty("num_subscriptions").GetInt32());
        Assert.Equal(0, (await http.JsonAsync("/subsz?acc=C")).GetProperty("num_subscriptions").GetInt32());
        Assert.Equal(0, (await http.JsonAsync("/subsz?acc=NOPE")).GetProperty("num_subscriptions").GetInt32());
        JsonElement all = await http.JsonAsync("/subsz");
        Assert.Equal(13, all.GetProperty("num_subscriptions").GetInt32());
        Assert.Equal(13, (await http.JsonAsync("/varz")).GetProperty("subscriptions").GetInt32());

        // A's subject space: a's own, the shadows of b's stream subscriptions (shown as b's, in
        // B), and the subscription that brings service responses back.
        JsonElement inA = await http.JsonAsync("/subsz?subs=1&acc=A");
        Assert.Equal(7, inA.GetProperty("total").GetInt32());
        var rows = inA.GetProperty("subscriptions_list").EnumerateArray()
            .Select(e => $"{e.GetProperty("account").GetString()} {e.GetProperty("subject").GetString()} {(e.TryGetProperty("qgroup", out JsonElement q) ? q.GetString() : "-")}")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(7, rows.Count);
        Assert.Equal(["A a.own -", "A feed -", "A help.* -", "B bar.x -", "B foo.* q1", "B foo.bar -"], rows.Where(r => !r.Contains("_R_.", StringComparison.Ordinal)));
        Assert.Matches(@"^A _R_\.\w+\.> -$", rows.Single(r => r.Contains("_R_.", StringComparison.Ordinal)));

        JsonElement inB = await http.JsonAsync("/subsz?subs=1&acc=B");
        Assert.Equal(
            ["B _INBOX.r", "B ahelp.*", "B bar.x", "B feed", "B p.foo.*", "B p.foo.bar"],
            inB.GetProperty("subscriptions_list").EnumerateArray().Select(e => $"{e.GetProperty("account").GetString()} {e.GetProperty("subject").GetString()}").Order(StringComparer.Ordinal));

        // test= across accounts: only what would receive a message published on foo.bar in A.
        JsonElement test = await http.JsonAsync("/subsz?subs=1&test=foo.bar");
        Assert.Equal(["foo.*", "foo.bar"], test.GetProperty("subscriptions_list").EnumerateArray().Select(e => e.GetProperty("subject").GetString()).Order(StringComparer.Ordinal));
        Assert.All(test.GetProperty("subscriptions_list").EnumerateArray(), e => Assert.Equal(traffic.BCid, e.GetProperty("cid").GetUInt64()));
    }

    [Fact]
    public async Task Connz_filters_by_account_open_and_closed()
    {
        await using TestServer server = await StartOursAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using Traffic traffic = await Traffic.MakeAsync(server.Port);

        JsonElement inA = await http.JsonAsync("/connz?acc=A&auth=1");
        Assert.Equal((1, 1), (inA.GetProperty("total").GetInt32(), inA.GetProperty("num_connections").GetInt32()));
        JsonElement conn = inA.GetProperty("connections")[0];
        Assert.Equal((traffic.ACid, "a", "A"), (conn.GetProperty("cid").GetUInt64(), conn.GetProperty("authorized_user").GetString(), conn.GetProperty("account").GetString()));

        // A client's own subscriptions only: its shadows in A are not its subscriptions in B.
        JsonElement inB = await http.JsonAsync("/connz?acc=B&subs=detail");
        conn = inB.GetProperty("connections").EnumerateArray().Single();
        Assert.Equal(4, conn.GetProperty("subscriptions").GetInt32());
        Assert.Equal(["_INBOX.r", "bar.x", "p.foo.*", "p.foo.bar"], conn.GetProperty("subscriptions_list_detail").EnumerateArray().Select(e => e.GetProperty("subject").GetString()).Order(StringComparer.Ordinal));

        // Without a filter auth=1 shows each client's account; $G (no user here) has no clients.
        JsonElement everyone = await http.JsonAsync("/connz?auth=1");
        Assert.Equal(["A", "B"], everyone.GetProperty("connections").EnumerateArray().Select(e => e.GetProperty("account").GetString()));
        JsonElement global = await http.JsonAsync("/connz?acc=$G");
        Assert.Equal((0, JsonValueKind.Array), (global.GetProperty("total").GetInt32(), global.GetProperty("connections").ValueKind));

        // Closed connections keep their account.
        await using (RawClient gone = await ConnectAs(server.Port, "a2"))
        {
            await gone.SendAsync("SUB x.y 1\r\nPING\r\n");
            await gone.ExpectAsync("PONG");
        }

        JsonElement closed = await Eventually.JsonAsync(http, "/connz?acc=A&state=closed&auth=1&subs=detail", z => z.GetProperty("total").GetInt32() == 1);
        conn = closed.GetProperty("connections")[0];
        Assert.Equal(("a2", "A"), (conn.GetProperty("authorized_user").GetString(), conn.GetProperty("account").GetString()));
        Assert.Equal("A", conn.GetProperty("subscriptions_list_detail")[0].GetProperty("account").GetString());
        Assert.Equal(0, (await http.JsonAsync("/connz?acc=B&state=closed")).GetProperty("total").GetInt32());
        await Eventually.JsonAsync(http, "/connz?acc=A&state=all", z => z.GetProperty("total").GetInt32() == 2); // a, and a2 once it is off the open list

        JsonElement unknown = await http.JsonAsync("/connz?acc=NOPE");
        Assert.Equal(("", JsonValueKind.Null), (unknown.GetProperty("server_id").GetString(), unknown.GetProperty("connections").ValueKind));
    }

    [Fact]
    public async Task An_accounts_leafnode_connections_show_in_connz_accountz_and_accstatz()
    {
        // Leafs that dial the hub without credentials are bound to account A.
        await using TestServer hub = await StartOursAsync(leafNodes: new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, Account = "A" });
        await using TestServer leaf = await TestServer.StartAsync(o =>
        {
            o.ServerName = "LEAF";
            o.LeafNodes = new LeafNodeOptions { Remotes = [new LeafRemote { Urls = [new Uri($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}")] }] };
        });
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(10));
        using var http = new MonitorHttp(hub.Server.MonitorPort);

        // Filtered by account, /connz lists the account's leafnode connections as nats-server does.
        // The leaf's $LDS subscription arrives just after the connection counts: wait for both.
        JsonElement connz = await Eventually.JsonAsync(http, "/connz?acc=A&subs=1", z => z.GetProperty("total").GetInt32() == 1
            && z.GetProperty("connections")[0].TryGetProperty("subscriptions_list", out JsonElement subs) && subs.GetArrayLength() > 0);
        JsonElement conn = connz.GetProperty("connections").EnumerateArray().Single();
        Assert.Equal(("Leafnode", "LEAF"), (conn.GetProperty("kind").GetString(), conn.GetProperty("name").GetString()));
        Assert.False(conn.TryGetProperty("type", out _));
        Assert.StartsWith("$LDS.", conn.GetProperty("subscriptions_list")[0].GetString());
        Assert.Equal(0, (await http.JsonAsync("/connz?acc=$G")).GetProperty("total").GetInt32());
        Assert.Equal(0, (await http.JsonAsync("/connz")).GetProperty("total").GetInt32()); // clients only

        JsonElement detail = (await http.JsonAsync("/accountz?acc=A")).GetProperty("account_detail");
        Assert.Equal((1, 0), (detail.GetProperty("leafnode_connections").GetInt32(), detail.GetProperty("client_connections").GetInt32()));
        Assert.Equal(0, (await http.JsonAsync("/accountz?acc=$G")).GetProperty("account_detail").GetProperty("leafnode_connections").GetInt32());

        // A leafnode alone does not list the account; unused=1 shows it.
        Assert.Equal(0, (await http.JsonAsync("/accstatz")).GetProperty("account_statz").GetArrayLength());
        JsonElement stat = Stat(await http.JsonAsync("/accstatz?unused=1"), "A")!.Value;
        Assert.Equal((0, 1, 1), (stat.GetProperty("conns").GetInt32(), stat.GetProperty("leafnodes").GetInt32(), stat.GetProperty("total_conns").GetInt32()));
    }

    /// <summary>Keys that only one side has on purpose (docs/compatibility.md).</summary>
    private static readonly HashSet<string> KnownDifferences = ["natssharp_version"];

    private static readonly string[] ParityPaths =
    [
        "/accountz", "/accountz?acc=A", "/accountz?acc=B", "/accountz?acc=C", "/accountz?acc=$G", "/accountz?acc=NOPE",
        "/accstatz", "/accstatz?unused=1", "/subsz", "/subsz?acc=A", "/subsz?subs=1", "/subsz?subs=1&acc=A", "/subsz?subs=1&acc=B",
        "/subsz?acc=NOPE", "/connz?acc=B&auth=1&subs=detail", "/connz?acc=B&state=closed&subs=detail", "/connz?acc=A&state=all&auth=1",
        "/connz?acc=$G", "/connz?acc=NOPE", "/connz?auth=1", "/varz",
    ];

    [Fact]
    public async Task Account_queries_match_nats_server_in_key_paths_types_order_and_numbers()
    {
        await using RealNatsServer real = await StartRealAsync();
        await using TestServer ours = await StartOursAsync();
        await using Traffic realTraffic = await Traffic.MakeAsync(real.Port, withLeaver: true);
        await using Traffic ourTraffic = await Traffic.MakeAsync(ours.Port, withLeaver: true);
        using var realHttp = new MonitorHttp(real.MonitorPort);
        using var ourHttp = new MonitorHttp(ours.Server.MonitorPort);
        // Both record the leaver, drop its subscription and add up the published counts after
        // answering PING: wait for each server to settle (13 subscriptions: see the tests above).
        foreach (MonitorHttp http in new[] { realHttp, ourHttp })
        {
            await Eventually.JsonAsync(http, "/connz?acc=B&state=closed", z => z.GetProperty("total").GetInt32() == 1);
            await Eventually.JsonAsync(http, "/varz", z => z.GetProperty("subscriptions").GetInt32() == 13);
            await Eventually.JsonAsync(http, "/accstatz", z => Received(z, "A") == (2, 5) && Received(z, "B") == (2, 2));
        }

        foreach (string path in ParityPaths)
        {
            var (realStatus, realType, realBody) = await realHttp.GetAsync(path);
            var (ourStatus, ourType, ourBody) = await ourHttp.GetAsync(path);
            Assert.True(realStatus == ourStatus && realType == ourType, $"{path}: nats-server {realStatus} {realType}, ours {ourStatus} {ourType}");
            JsonShape.AssertSame(path, realBody, ourBody, KnownDifferences, "account_detail.responses");
        }

        // The same accounts, connections and subscription counts on both.
        Assert.Equal(await AccountNamesAsync(realHttp), await AccountNamesAsync(ourHttp));
        foreach (string account in new[] { "$G", "A", "B", "C" })
        {
            JsonElement r = (await realHttp.JsonAsync($"/accountz?acc={account}")).GetProperty("account_detail");
            JsonElement o = (await ourHttp.JsonAsync($"/accountz?acc={account}")).GetProperty("account_detail");
            Assert.Equal(KeyOrder(r), KeyOrder(o));
            foreach (string key in new[] { "client_connections", "leafnode_connections", "subscriptions" })
            {
                Assert.True(r.GetProperty(key).GetInt32() == o.GetProperty(key).GetInt32(), $"{account} {key}: nats-server {r.GetProperty(key)}, ours {o.GetProperty(key)}");
            }

            // Exports and imports alike, with the same keys in the same order. nats-server keeps
            // exports and service imports in maps (random order), stream imports in config order.
            Assert.Equal(Entries(r, "exports").Order(StringComparer.Ordinal), Entries(o, "exports").Order(StringComparer.Ordinal));
            Assert.Equal(StreamsThenServices(Entries(r, "imports")), StreamsThenServices(Entries(o, "imports")));
            Assert.Equal(ResponseShapes(r), ResponseShapes(o));
            Assert.Equal(
                (await realHttp.JsonAsync($"/subsz?acc={account}")).GetProperty("num_subscriptions").GetInt32(),
                (await ourHttp.JsonAsync($"/subsz?acc={account}")).GetProperty("num_subscriptions").GetInt32());
        }

        Assert.Equal((await realHttp.JsonAsync("/varz")).GetProperty("subscriptions").GetInt32(), (await ourHttp.JsonAsync("/varz")).GetProperty("subscriptions").GetInt32());

        // What each account's clients published (received) is counted the same way.
        JsonElement realStatz = await realHttp.JsonAsync("/accstatz?unused=1");
        JsonElement ourStatz = await ourHttp.JsonAsync("/accstatz?unused=1");
        foreach (string account in new[] { "$G", "A", "B", "C" })
        {
            JsonElement r = Stat(realStatz, account)!.Value;
            JsonElement o = Stat(ourStatz, account)!.Value;
            Assert.Equal(KeyOrder(r), KeyOrder(o));
            Assert.Equal((r.GetProperty("conns").GetInt32(), Compact(r.GetProperty("received"))), (o.GetProperty("conns").GetInt32(), Compact(o.GetProperty("received"))));
        }
    }

    [Fact]
    public async Task A_leafnode_in_connz_by_account_matches_nats_server()
    {
        // The same hub config on both (leafs without credentials land in A), a NatsSharp leaf on each.
        int realLeafPort = FreePort.Next();
        string Hub(int port) => $"leafnodes {{ listen: \"127.0.0.1:{port}\", authorization {{ account: A }} }}\n" + Accounts;
        string dir = Directory.CreateTempSubdirectory("monacc-leaf-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "real.conf"), "no_system_account: true\n" + Hub(realLeafPort));
        await File.WriteAllTextAsync(Path.Combine(dir, "ours.conf"), Hub(FreePort.Next()));
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", Path.Combine(dir, "real.conf"), "-m", "-1");
        ServerOptions loaded = ConfigBinder.Load(Path.Combine(dir, "ours.conf")).Options;
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            o.Accounts = loaded.Accounts;
            o.LeafNodes = loaded.LeafNodes;
            o.HttpPort = ServerOptions.RandomPort;
        });
        using var realHttp = new MonitorHttp(real.MonitorPort);
        using var ourHttp = new MonitorHttp(ours.Server.MonitorPort);
        await using TestServer realLeaf = await StartLeafAsync(realLeafPort);
        await using TestServer ourLeaf = await StartLeafAsync(ours.Server.LeafNodePort);
        foreach (MonitorHttp http in new[] { realHttp, ourHttp })
        {
            await Eventually.JsonAsync(http, "/accountz?acc=A", z => z.GetProperty("account_detail").GetProperty("leafnode_connections").GetInt32() == 1);
        }

        // The leaf's LS+ (its loop-detection subject) reaches each hub a moment after the connection shows: compare once both have it.
        await Eventually.TrueAsync(
            async () => await LeafSubscriptionsAsync(realHttp) == 1 && await LeafSubscriptionsAsync(ourHttp) == 1,
            "the leaf's subscriptions on both hubs", TimeSpan.FromSeconds(10));

        // nats-server shows the leaf's version and a measured rtt; NatsSharp has no version for it.
        var ignored = new HashSet<string>(KnownDifferences) { "connections[].version" };
        foreach (string path in new[] { "/connz?acc=A&subs=1&auth=1", "/connz?acc=A&subs=detail", "/accountz?acc=A", "/accstatz?unused=1", "/leafz?acc=A" })
        {
            var (_, _, realBody) = await realHttp.GetAsync(path);
            var (_, _, ourBody) = await ourHttp.GetAsync(path);
            JsonShape.AssertSame(path, realBody, ourBody, ignored);
        }

        JsonElement realConn = (await realHttp.JsonAsync("/connz?acc=A")).GetProperty("connections")[0];
        JsonElement ourConn = (await ourHttp.JsonAsync("/connz?acc=A")).GetProperty("connections")[0];
        Assert.Equal(KeyOrder(realConn).Where(k => k != "version"), KeyOrder(ourConn));
        Assert.Equal(realConn.GetProperty("kind").GetString(), ourConn.GetProperty("kind").GetString());
    }

    private static async Task<int> LeafSubscriptionsAsync(MonitorHttp http) =>
        (await http.JsonAsync("/connz?acc=A")).GetProperty("connections")[0].GetProperty("subscriptions").GetInt32();

    private static Task<TestServer> StartLeafAsync(int hubLeafPort) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "LEAF";
            o.LeafNodes = new LeafNodeOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Remotes = [new LeafRemote { Urls = [new Uri($"nats-leaf://127.0.0.1:{hubLeafPort}")] }],
            };
        });

    private static (long Msgs, long Bytes)? Received(JsonElement statz, string account) =>
        Stat(statz, account) is { } s ? (s.GetProperty("received").GetProperty("msgs").GetInt64(), s.GetProperty("received").GetProperty("bytes").GetInt64()) : null;

    private static async Task<List<string>> AccountNamesAsync(MonitorHttp http) =>
        [.. (await http.JsonAsync("/accountz")).GetProperty("accounts").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)];

    private static List<string> KeyOrder(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    private static List<string> Entries(JsonElement detail, string key) =>
        detail.TryGetProperty(key, out JsonElement list) ? [.. list.EnumerateArray().Select(Compact)] : [];

    private static List<string> StreamsThenServices(List<string> imports) =>
        [.. imports.Where(i => i.Contains("\"type\":\"stream\"", StringComparison.Ordinal)),
            .. imports.Where(i => !i.Contains("\"type\":\"stream\"", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>The waiting responses without their random reply subjects: requester account, reply, flags, in key order.</summary>
    private static List<string> ResponseShapes(JsonElement detail) =>
        detail.TryGetProperty("responses", out JsonElement map)
            ? [.. map.EnumerateObject().Select(p => string.Join(",", p.Value.EnumerateObject().Where(v => v.Name != "subject").Select(v => $"{v.Name}={v.Value}"))).Order(StringComparer.Ordinal)]
            : [];

    private static JsonElement? Stat(JsonElement statz, string account)
    {
        foreach (JsonElement e in statz.GetProperty("account_statz").EnumerateArray())
        {
            if (e.GetProperty("acc").GetString() == account)
            {
                return e;
            }
        }

        return null;
    }

    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e);

    /// <summary>Lines received until the answer to a PING.</summary>
    private static async Task<int> CountMessagesAsync(RawClient client)
    {
        await client.SendAsync("PING\r\n");
        int lines = 0;
        for (string line = await client.ReadLineAsync(); line != "PONG"; line = await client.ReadLineAsync())
        {
            lines++;
        }

        return lines;
    }

    /// <summary>
    /// a (account A) serves help.* and feed; b (account B) subscribes to imported streams and
    /// requests both services, whose requests reach a unanswered; optionally b2 leaves.
    /// </summary>
    private sealed class Traffic : IAsyncDisposable
    {
        private Traffic(RawClient a, RawClient b) => (A, B) = (a, b);

        public RawClient A { get; }

        public RawClient B { get; }

        public ulong ACid { get; private set; }

        public ulong BCid { get; private set; }

        /// <summary>The reply subject a saw for each service ("help", "feed").</summary>
        public Dictionary<string, string> Replies { get; } = [];

        public static async Task<Traffic> MakeAsync(int port, bool withLeaver = false)
        {
            var t = new Traffic(await ConnectAs(port, "a"), await ConnectAs(port, "b"));
            t.ACid = ClientId(t.A.Info);
            t.BCid = ClientId(t.B.Info);
            await t.A.SendAsync("SUB help.* 1\r\nSUB feed 2\r\nSUB a.own 3\r\nPING\r\n");
            await t.A.ExpectAsync("PONG");
            await t.B.SendAsync("SUB p.foo.bar 1\r\nSUB p.foo.* q1 2\r\nSUB bar.x 3\r\nSUB _INBOX.r 4\r\nPING\r\n");
            await t.B.ExpectAsync("PONG");
            await t.A.SendAsync("PUB foo.bar 2\r\nhi\r\nPUB bar.x 3\r\nabc\r\nPING\r\n");
            await t.A.ExpectAsync("PONG");
            Assert.Equal(6, await CountMessagesAsync(t.B));

            await t.B.SendAsync("PUB ahelp.q _INBOX.r 1\r\nq\r\nPUB feed _INBOX.r 1\r\nf\r\nPING\r\n");
            await t.B.ExpectAsync("PONG");
            for (int i = 0; i < 2; i++)
            {
                string[] msg = (await t.A.ReadLineAsync()).Split(' '); // MSG <subject> <sid> <reply> <size>
                t.Replies[msg[1] == "feed" ? "feed" : "help"] = msg[3];
                await t.A.ReadLineAsync();
            }

            if (withLeaver)
            {
                await using RawClient leaver = await ConnectAs(port, "b2");
                await leaver.SendAsync("SUB gone 1\r\nPING\r\n");
                await leaver.ExpectAsync("PONG");
            }

            return t;
        }

        /// <summary>The client id from the INFO line, which both servers send.</summary>
        private static ulong ClientId(string info)
        {
            using JsonDocument doc = JsonDocument.Parse(info["INFO ".Length..]);
            return doc.RootElement.GetProperty("client_id").GetUInt64();
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}
