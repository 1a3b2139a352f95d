using System.Text;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsServerException = NatsSharp.Server.NatsServerException;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Stream and service exports/imports between accounts. Each conversation runs on NatsSharp and
/// on the real nats-server 2.9.10 with the same config, and must read the same on both; then
/// across a NatsSharp route and in a mixed cluster with nats-server.
/// </summary>
public class AccountImportTests
{
    private const string Accounts = """
        accounts {
          A: {
            users: [ {user: a, password: a}, {user: a2, password: a2} ]
            exports: [
              {stream: "foo.>"}
              {stream: "orders.*"}
              {service: "help.*"}
              {service: "feed", response_type: stream}
            ]
          }
          B: {
            users: [ {user: b, password: b}, {user: b2, password: b2} ]
            imports: [
              {stream: {account: A, subject: "foo.>"}, prefix: "p"}
              {stream: {account: A, subject: "orders.*"}, to: "in.orders.*"}
              {service: {account: A, subject: "help.*"}, to: "ahelp.*"}
              {service: {account: A, subject: "feed"}}
            ]
          }
        }
        """;

    private static async Task<TestServer> StartOursAsync(string config, Action<ServerOptions>? more = null)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("imports-").FullName, "ours.conf");
        await File.WriteAllTextAsync(file, config);
        ServerOptions loaded = ConfigBinder.Load(file).Options;
        return await TestServer.StartAsync(o =>
        {
            o.Accounts = loaded.Accounts;
            o.LeafNodes = loaded.LeafNodes;
            more?.Invoke(o);
        });
    }

    private static async Task<RealNatsServer> StartRealAsync(string config)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("imports-real-").FullName, "real.conf");
        await File.WriteAllTextAsync(file, config);
        return await RealNatsServer.StartAsync("-c", file);
    }

    private static Task<RawClient> ConnectAs(int port, string user) =>
        RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"user\":\"{user}\",\"pass\":\"{user}\"}}");

    /// <summary>Runs <paramref name="conversation"/> against NatsSharp and against nats-server with <see cref="Accounts"/>.</summary>
    private static async Task OnBothAsync(Func<int, Task> conversation)
    {
        await using (TestServer ours = await StartOursAsync(Accounts))
        {
            await conversation(ours.Port);
        }

        await using RealNatsServer real = await StartRealAsync(Accounts);
        await conversation(real.Port);
    }

    [Fact]
    public Task An_imported_stream_arrives_under_its_prefix_and_nothing_else_crosses() => OnBothAsync(async port =>
    {
        await using var a = await ConnectAs(port, "a");
        await using var b = await ConnectAs(port, "b");
        await b.SendAsync("SUB p.foo.* 1\r\nSUB > 2\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        await a.SendAsync("PUB foo.bar 2\r\nhi\r\nPUB secret 2\r\nno\r\nPUB foo.a.b 4\r\ndeep\r\nPING\r\n");
        await a.ExpectAsync("PONG");

        // p.foo.* gets foo.bar; ">" gets both exported ones; "secret" is never exported.
        Assert.Equal(["MSG p.foo.a.b 2 4 deep", "MSG p.foo.bar 1 2 hi", "MSG p.foo.bar 2 2 hi"], await b.DrainMessagesAsync());
    });

    [Fact]
    public Task A_stream_import_with_to_maps_wildcards() => OnBothAsync(async port =>
    {
        await using var a = await ConnectAs(port, "a");
        await using var b = await ConnectAs(port, "b");
        await b.SendAsync("SUB in.orders.* 1\r\nSUB in.orders.eu 2\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        await a.SendAsync("PUB orders.eu 1\r\n1\r\nPUB orders.us 1\r\n2\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        Assert.Equal(["MSG in.orders.eu 1 1 1", "MSG in.orders.eu 2 1 1", "MSG in.orders.us 1 1 2"], await b.DrainMessagesAsync());
    });

    [Fact]
    public async Task Auto_unsubscribe_counts_imported_messages()
    {
        // nats-server 2.9.10 keeps delivering past UNSUB's max here (its shadow copies of the
        // subscription count on their own); NatsSharp stops at max, as for any other message.
        await using TestServer server = await StartOursAsync(Accounts);
        await using var a = await ConnectAs(server.Port, "a");
        await using var b = await ConnectAs(server.Port, "b");
        await b.SendAsync("SUB in.orders.eu 2\r\nUNSUB 2 1\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        await a.SendAsync("PUB orders.eu 1\r\n1\r\nPUB orders.eu 1\r\n2\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        Assert.Equal(["MSG in.orders.eu 2 1 1"], await b.DrainMessagesAsync());
        Assert.Empty(server.Server.FindAccount("A")!.Sublist.Match("orders.eu"u8).Plain); // the shadow went with it
    }

    [Fact]
    public Task Queue_members_of_the_importing_account_share_an_imported_stream() => OnBothAsync(async port =>
    {
        await using var a = await ConnectAs(port, "a");
        await using var b1 = await ConnectAs(port, "b");
        await using var b2 = await ConnectAs(port, "b2");
        await b1.SendAsync("SUB p.foo.q workers 1\r\nPING\r\n");
        await b1.ExpectAsync("PONG");
        await b2.SendAsync("SUB p.foo.q workers 1\r\nPING\r\n");
        await b2.ExpectAsync("PONG");
        const int n = 20;
        var pubs = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            pubs.Append("PUB foo.q 1\r\nx\r\n");
        }

        await a.SendAsync(pubs.Append("PING\r\n").ToString());
        await a.ExpectAsync("PONG");
        List<string> got = [.. await b1.DrainMessagesAsync(), .. await b2.DrainMessagesAsync()];
        Assert.Equal(Enumerable.Repeat("MSG p.foo.q 1 1 x", n), got); // each message to exactly one member
    });

    [Fact]
    public Task A_service_request_reaches_the_exporter_with_a_mapped_reply_and_one_response_comes_back() => OnBothAsync(async port =>
    {
        await using var a = await ConnectAs(port, "a");
        await using var b = await ConnectAs(port, "b");
        await a.SendAsync("SUB help.* 9\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await b.SendAsync("SUB _INBOX.r 1\r\nPUB ahelp.x _INBOX.r 3\r\nreq\r\nPING\r\n");
        await b.ExpectAsync("PONG");

        string[] request = (await a.ReadLineAsync()).Split(' ');
        Assert.Equal(["MSG", "help.x", "9"], request[..3]);
        Assert.StartsWith("_R_.", request[3]); // the requester's inbox is not shown to the exporter
        Assert.Equal("req", await a.ReadLineAsync());

        // A singleton service: the first response goes back, the second is dropped.
        await a.SendAsync($"PUB {request[3]} 3\r\nans\r\nPUB {request[3]} 4\r\nans2\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await b.ExpectAsync("MSG _INBOX.r 1 3");
        await b.ExpectAsync("ans");
        await b.SendAsync("PING\r\n");
        await b.ExpectAsync("PONG");
    });

    [Fact]
    public Task A_streamed_service_may_answer_many_times() => OnBothAsync(async port =>
    {
        await using var a = await ConnectAs(port, "a");
        await using var b = await ConnectAs(port, "b");
        await a.SendAsync("SUB feed 1\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await b.SendAsync("SUB _INBOX.f 1\r\nPUB feed _INBOX.f 0\r\n\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        string reply = (await a.ReadLineAsync()).Split(' ')[3];
        await a.ReadLineAsync();
        await a.SendAsync($"PUB {reply} 1\r\n1\r\nPUB {reply} 1\r\n2\r\nPUB {reply} 1\r\n3\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        for (int i = 1; i <= 3; i++)
        {
            await b.ExpectAsync("MSG _INBOX.f 1 1");
            await b.ExpectAsync(i.ToString());
        }
    });

    [Fact]
    public async Task NATS_Client_requests_an_imported_service()
    {
        await using TestServer server = await StartOursAsync(Accounts);
        await using NatsConnection responder = await NatsNetClient.ConnectAsync($"nats://a:a@127.0.0.1:{server.Port}");
        await using INatsSub<string> sub = await responder.SubscribeCoreAsync<string>("help.*");
        Task serving = Task.Run(async () =>
        {
            await foreach (NatsMsg<string> m in sub.Msgs.ReadAllAsync())
            {
                await m.ReplyAsync("re:" + m.Subject + ":" + m.Data);
            }
        });
        await responder.PingAsync();

        // NATS.Net replies to a wildcard inbox of its own (_INBOX.<id>.<n>) through the import.
        await using NatsConnection requester = await NatsNetClient.ConnectAsync($"nats://b:b@127.0.0.1:{server.Port}");
        for (int i = 0; i < 20; i++)
        {
            NatsMsg<string> reply = await requester.RequestAsync<string, string>($"ahelp.t{i}", $"m{i}");
            Assert.Equal($"re:help.t{i}:m{i}", reply.Data);
        }

        Assert.Equal(0, server.Server.FindAccount("B")!.Responses.Count); // singleton mappings are used up
        await sub.UnsubscribeAsync();
        await serving.WaitAsync(NatsNetClient.Timeout);
    }

    [Fact]
    public async Task Imports_work_across_a_route_without_duplicates()
    {
        await using var n1 = await StartOursAsync(Accounts, o => o.Cluster = new ClusterOptions { Host = "127.0.0.1", Port = -1, Name = "imp" });
        await using var n2 = await StartOursAsync(Accounts, o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "imp", ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Routes = [new Uri($"nats-route://127.0.0.1:{n1.Server.ClusterPort}")],
        });
        await Eventually.TrueAsync(() => n1.Server.RouteCount == 1 && n2.Server.RouteCount == 1, "the route");
        await RequestAndStreamAcrossAsync(() => ConnectAs(n1.Port, "b"), () => ConnectAs(n2.Port, "a"));
        await RequestAndStreamAcrossAsync(() => ConnectAs(n2.Port, "b"), () => ConnectAs(n1.Port, "a"));
    }

    [Fact]
    public async Task Imports_work_in_a_mixed_cluster_with_nats_server()
    {
        int realCluster = FreePort.Next();
        await using RealNatsServer real = await StartRealAsync(Accounts + $"\ncluster {{ name: imp, listen: 127.0.0.1:{realCluster} }}\n");
        await using TestServer ours = await StartOursAsync(Accounts, o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "imp", ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Routes = [new Uri($"nats-route://127.0.0.1:{realCluster}")],
        });
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 1, "our route to nats-server", TimeSpan.FromSeconds(15));
        await RequestAndStreamAcrossAsync(() => ConnectAs(ours.Port, "b"), () => ConnectAs(real.Port, "a"));
        await RequestAndStreamAcrossAsync(() => ConnectAs(real.Port, "b"), () => ConnectAs(ours.Port, "a"));
    }

    /// <summary>The hub's accounts, with leaf user "lb" bound to the importing account B.</summary>
    private static string HubConfig(int leafPort) =>
        Accounts + $"\nleafnodes {{ listen: \"127.0.0.1:{leafPort}\", authorization {{ users: [ {{user: lb, password: lb, account: B}} ] }} }}\n";

    private static Task<RawClient> ConnectAnonymous(int port) => RawClient.ConnectedAsync(port, "{\"verbose\":false}");

    [Fact]
    public async Task A_leaf_bound_to_the_importing_account_uses_its_imports_on_a_NatsSharp_or_nats_server_hub()
    {
        foreach (bool realHub in new[] { false, true })
        {
            int leafPort = FreePort.Next();
            await using IAsyncDisposable hub = realHub ? await StartRealAsync(HubConfig(leafPort)) : await StartOursAsync(HubConfig(leafPort));
            int hubClientPort = hub is RealNatsServer r ? r.Port : ((TestServer)hub).Port;
            await using TestServer leaf = await TestServer.StartAsync(o => o.LeafNodes = new Server.LeafNodes.LeafNodeOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Remotes = [new Server.LeafNodes.LeafRemote { Urls = [new Uri($"nats-leaf://lb:lb@127.0.0.1:{leafPort}")] }],
            });
            await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(15));
            await RequestAndStreamAcrossAsync(() => ConnectAnonymous(leaf.Port), () => ConnectAs(hubClientPort, "a"));
        }
    }

    [Fact]
    public async Task A_nats_server_leaf_bound_to_the_importing_account_uses_the_imports_of_a_NatsSharp_hub()
    {
        int leafPort = FreePort.Next();
        await using TestServer hub = await StartOursAsync(HubConfig(leafPort));
        await using RealNatsServer leaf = await StartRealAsync($"leafnodes {{ reconnect: 1, remotes: [ {{ url: \"nats-leaf://lb:lb@127.0.0.1:{leafPort}\" }} ] }}\n");
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1, "the nats-server leaf", TimeSpan.FromSeconds(15));
        await RequestAndStreamAcrossAsync(() => ConnectAnonymous(leaf.Port), () => ConnectAs(hub.Port, "a"));
    }

    /// <summary>
    /// B (or a leaf bound to B) on one server requests A's service on the other and gets exactly
    /// one answer; A's stream published there reaches B's subscriber here exactly once.
    /// </summary>
    private static async Task RequestAndStreamAcrossAsync(Func<Task<RawClient>> requester, Func<Task<RawClient>> responder)
    {
        await using var a = await responder();
        await a.SendAsync("SUB help.* 9\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await using var b = await requester();
        await b.SendAsync("SUB _INBOX.x 1\r\nSUB p.foo.> 2\r\nPING\r\n");
        await b.ExpectAsync("PONG");

        // Interest crosses the route asynchronously: ask until the service answers.
        string[] request = [];
        for (int attempt = 0; request.Length == 0; attempt++)
        {
            await b.SendAsync("PUB ahelp.q _INBOX.x 1\r\n?\r\nPING\r\n");
            await b.ExpectAsync("PONG");
            try
            {
                request = (await a.ReadLineAsync(TimeSpan.FromMilliseconds(300))).Split(' ');
            }
            catch (TimeoutException) when (attempt < 50)
            {
            }
        }

        Assert.Equal("help.q", request[1]);
        Assert.Equal("?", await a.ReadLineAsync());
        await a.SendAsync($"PUB {request[3]} 2\r\nok\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await b.ExpectAsync("MSG _INBOX.x 1 2");
        await b.ExpectAsync("ok");

        // The stream: publish until one arrives, then count what a final batch brings.
        await Delivery.PublishUntilDeliveredAsync(a, "foo.probe", b, wait: TimeSpan.FromMilliseconds(300), deliveredAs: "p.foo.probe");

        await a.SendAsync("PUB foo.n 1\r\n1\r\nPUB foo.n 1\r\n2\r\nPUB foo.n 1\r\n3\r\nPING\r\n");
        await a.ExpectAsync("PONG");

        // Every message exactly once: a's marker follows them over the same hop (late probes are left out).
        Assert.Equal(["MSG p.foo.n 2 1 1", "MSG p.foo.n 2 1 2", "MSG p.foo.n 2 1 3"], await Delivery.MessagesBeforeMarkerAsync(a, "foo.n", b));
    }
}

/// <summary>What a reload may change about accounts: users and new accounts live; exports and imports need a restart.</summary>
public class AccountReloadTests
{
    private static ServerOptions Next(TestServer server, Action<ServerOptions> change)
    {
        ServerOptions next = server.Server.Options.Clone();
        change(next);
        return next;
    }

    private static Server.Accounts.AccountOptions Account(string name, params string[] users) =>
        new() { Name = name, Users = [.. users.Select(u => new Server.Auth.User { Username = u, Password = u })] };

    private static Task<RawClient> ConnectAs(int port, string user) =>
        RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"user\":\"{user}\",\"pass\":\"{user}\"}}");

    [Fact]
    public async Task A_new_account_added_on_reload_is_its_own_subject_space_and_a_moved_user_is_disconnected()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Users = [new Server.Auth.User { Username = "g", Password = "g" }];
            o.Accounts = [Account("A", "a", "mover")];
        });
        await using var g = await ConnectAs(server.Port, "g");
        await g.SendAsync("SUB news 1\r\nPING\r\n");
        await g.ExpectAsync("PONG");
        await using var mover = await ConnectAs(server.Port, "mover");

        server.Server.Reload(Next(server, o => o.Accounts = [Account("A", "a"), Account("C", "c", "mover")]));

        Assert.Equal(["-ERR 'Authorization Violation'"], await mover.ReadUntilClosedAsync());
        await using var c = await ConnectAs(server.Port, "c");
        await c.SendAsync("SUB news 1\r\nPUB news 1\r\nc\r\nPING\r\n");
        await c.ExpectAsync("MSG news 1 1");
        await c.ExpectAsync("c");
        await c.ExpectAsync("PONG");
        await g.SendAsync("PING\r\n");
        await g.ExpectAsync("PONG"); // the global account never saw C's message
    }

    [Fact]
    public async Task Changing_imports_on_reload_is_refused_and_the_running_links_stay()
    {
        await using var server = await TestServer.StartAsync(o => o.Accounts =
        [
            new Server.Accounts.AccountOptions { Name = "A", Users = [new Server.Auth.User { Username = "a", Password = "a" }], Exports = [new Server.Accounts.AccountExport { Kind = Server.Accounts.ExchangeKind.Stream, Subject = "foo" }] },
            new Server.Accounts.AccountOptions { Name = "B", Users = [new Server.Auth.User { Username = "b", Password = "b" }], Imports = [new Server.Accounts.AccountImport { Kind = Server.Accounts.ExchangeKind.Stream, Account = "A", Subject = "foo" }] },
        ]);
        var ex = Assert.Throws<NatsServerException>(() => server.Server.Reload(Next(server, o => o.Accounts = [Account("A", "a"), Account("B", "b")])));
        Assert.Equal("config reload not supported for accounts exports/imports by NatsSharp yet: restart the server to apply them", ex.Message);

        await using var a = await ConnectAs(server.Port, "a");
        await using var b = await ConnectAs(server.Port, "b");
        await b.SendAsync("SUB foo 1\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        await a.SendAsync("PUB foo 1\r\nx\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await b.ExpectAsync("MSG foo 1 1");
    }
}
