using System.Net;
using System.Net.Sockets;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Accounts;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Leafnode connections bound to accounts: a hub with accounts A and B whose leaf users bind to
/// them, a leaf with one remote per account, and the real nats-server on either side.
/// </summary>
public class LeafNodeAccountTests
{
    private static readonly (string User, string Pass) UserA = ("a", "a");
    private static readonly (string User, string Pass) UserB = ("b", "b");

    /// <summary>The same two accounts, in nats-server config syntax, for the real server.</summary>
    private const string AccountsConf = "accounts { A: { users: [ {user: a, password: a} ] }, B: { users: [ {user: b, password: b} ] } }\n";

    private static void TwoAccounts(ServerOptions o) =>
        o.Accounts =
        [
            new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }] },
            new AccountOptions { Name = "B", Users = [new User { Username = "b", Password = "b" }] },
        ];

    /// <summary>A hub with accounts A and B; leaf user la binds to A, lb to B (unless <paramref name="configure"/> says otherwise).</summary>
    private static Task<TestServer> StartHubAsync(Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "HUB";
            TwoAccounts(o);
            o.LeafNodes = new LeafNodeOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Users = [new LeafUser { Username = "la", Password = "la", Account = "A" }, new LeafUser { Username = "lb", Password = "lb", Account = "B" }],
            };
            configure?.Invoke(o);
        });

    private static Task<TestServer> StartLeafAsync(params LeafRemote[] remotes) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = "LEAF";
            TwoAccounts(o);
            o.LeafNodes = new LeafNodeOptions { ReconnectDelay = TimeSpan.FromMilliseconds(200), Remotes = [.. remotes] };
        });

    private static LeafRemote Remote(string url, string account = "") => new() { Urls = [new Uri(url)], LocalAccount = account };

    /// <summary>A leaf with one remote per account to the hub's leafnode port.</summary>
    private static Task<TestServer> StartTwoRemoteLeafAsync(int hubLeafPort) =>
        StartLeafAsync(Remote($"nats-leaf://la:la@127.0.0.1:{hubLeafPort}", "A"), Remote($"nats-leaf://lb:lb@127.0.0.1:{hubLeafPort}", "B"));

    private static Task<RawClient> ConnectAs(int port, (string User, string Pass) user) =>
        user.User.Length == 0
            ? RawClient.ConnectedAsync(port)
            : RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"pedantic\":false,\"user\":\"{user.User}\",\"pass\":\"{user.Pass}\"}}");

    private static async Task<RawClient> SubscribedAsync(int port, (string User, string Pass) user, string sub)
    {
        RawClient c = await ConnectAs(port, user);
        await c.SendAsync($"SUB {sub}\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        return c;
    }

    /// <summary>Publishes (as <paramref name="pubUser"/>) until the subscriber (as <paramref name="subUser"/>) gets one: interest crosses asynchronously.</summary>
    private static async Task ExpectDeliveryAsync(int subPort, (string User, string Pass) subUser, int pubPort, (string User, string Pass) pubUser, string subject)
    {
        await using RawClient sub = await SubscribedAsync(subPort, subUser, $"{subject} 1");
        await using RawClient pub = await ConnectAs(pubPort, pubUser);
        await Delivery.PublishUntilDeliveredAsync(pub, subject, sub, "hi", attempts: 75);
    }

    /// <summary>
    /// Each account's messages cross the leafnode both ways, and subscribers of the other account
    /// (same subject, on both servers) never see them.
    /// </summary>
    internal static async Task AssertAccountsStayApartAsync(int hubPort, int leafPort, (string User, string Pass) a, (string User, string Pass) b)
    {
        foreach (var (mine, other) in new[] { (a, b), (b, a) })
        {
            await using RawClient otherOnHub = await SubscribedAsync(hubPort, other, "orders 1");
            await using RawClient otherOnLeaf = await SubscribedAsync(leafPort, other, "orders 1");
            await ExpectDeliveryAsync(hubPort, mine, leafPort, mine, "orders"); // leaf -> hub
            await ExpectDeliveryAsync(leafPort, mine, hubPort, mine, "orders"); // hub -> leaf
            // Each delivery ended with a marker, so each receiving server has handled every probe before
            // it: a leak into the other account would already be queued ahead of this PING's PONG.
            Assert.Empty(await otherOnHub.DrainMessagesAsync());
            Assert.Empty(await otherOnLeaf.DrainMessagesAsync());
        }
    }

    /// <summary>Whether <paramref name="server"/> holds interest on <paramref name="subject"/> in <paramref name="account"/> learned from a leaf connection.</summary>
    private static bool HasLeafInterest(TestServer server, string account, string subject, bool queue = false) =>
        server.Server.FindAccount(account)!.Sublist.All().Any(s =>
            s.Subscriber is LeafConnection && s.IsQueue == queue && Encoding.ASCII.GetString(s.Subject) == subject);

    private static bool HasClientInterest(TestServer server, string account, string subject) =>
        server.Server.FindAccount(account)!.Sublist.All().Any(s => s.Subscriber is not LeafConnection && Encoding.ASCII.GetString(s.Subject) == subject);

    [Fact]
    public async Task Two_remotes_bound_to_A_and_B_keep_each_accounts_messages_apart_both_ways()
    {
        await using var hub = await StartHubAsync();
        await using var leaf = await StartTwoRemoteLeafAsync(hub.Server.LeafNodePort);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 2 && leaf.Server.LeafNodeCount == 2, "both leaf connections", TimeSpan.FromSeconds(10));
        Assert.Equal(["A", "B"], hub.Server.LeafNodes!.All.Select(l => l.Account!.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["A", "B"], leaf.Server.LeafNodes!.All.Select(l => l.Account!.Name).Order(StringComparer.Ordinal));

        await AssertAccountsStayApartAsync(hub.Port, leaf.Port, UserA, UserB);
    }

    [Fact]
    public async Task Queue_groups_and_request_reply_stay_within_their_account()
    {
        await using var hub = await StartHubAsync();
        await using var leaf = await StartTwoRemoteLeafAsync(hub.Server.LeafNodePort);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 2 && leaf.Server.LeafNodeCount == 2, "both leaf connections", TimeSpan.FromSeconds(10));

        // Members of group "workers" in A on both sides; B has members of a group with the same names.
        await using RawClient aOnHub = await SubscribedAsync(hub.Port, UserA, "jobs workers 1");
        await using RawClient aOnLeaf = await SubscribedAsync(leaf.Port, UserA, "jobs workers 1");
        await using RawClient bOnHub = await SubscribedAsync(hub.Port, UserB, "jobs workers 1");
        await using RawClient bOnLeaf = await SubscribedAsync(leaf.Port, UserB, "jobs workers 1");
        // A's members also subscribe to "done", where the publisher's marker follows its messages.
        foreach (RawClient member in new[] { aOnHub, aOnLeaf })
        {
            await member.SendAsync("SUB done 2\r\nPING\r\n");
            await member.ExpectAsync("PONG");
        }

        await Eventually.TrueAsync(
            () => HasLeafInterest(hub, "A", "jobs", queue: true) && HasLeafInterest(leaf, "A", "jobs", queue: true) && HasLeafInterest(hub, "A", "done"),
            "A's members (and the leaf's marker interest) known across the leafnode");

        await using RawClient pubA = await ConnectAs(hub.Port, UserA);
        await pubA.SendAsync(string.Concat(Enumerable.Repeat("PUB jobs 1\r\nj\r\n", 50)) + "PING\r\n");
        await pubA.ExpectAsync("PONG");
        Assert.Equal(50, await ClusterTests.CountMessagesAsync(aOnHub, pubA, "done")); // the local member is preferred
        Assert.Equal(0, await ClusterTests.CountMessagesAsync(aOnLeaf, pubA, "done"));

        // A's hub member leaves: A's leaf member gets the hub's messages, once each; B's members nothing.
        await aOnHub.SendAsync("UNSUB 1\r\n");
        await aOnHub.DrainMessagesAsync(); // up to its PONG; the last marker also reached it
        await pubA.SendAsync(string.Concat(Enumerable.Repeat("PUB jobs 1\r\nj\r\n", 50)) + "PING\r\n");
        await pubA.ExpectAsync("PONG");
        Assert.Equal(50, await ClusterTests.CountMessagesAsync(aOnLeaf, pubA, "done"));
        // The marker reached the leaf after the jobs, and the hub handled pubA's jobs before its PONG:
        // anything leaked into B is queued ahead of these PONGs.
        Assert.Empty(await bOnHub.DrainMessagesAsync());
        Assert.Empty(await bOnLeaf.DrainMessagesAsync());

        // Request/reply in A: a service on the leaf answers a requester on the hub; B's service of the same name hears nothing.
        await using RawClient service = await SubscribedAsync(leaf.Port, UserA, "svc 1");
        await using RawClient serviceB = await SubscribedAsync(hub.Port, UserB, "svc 1");
        await using RawClient requester = await SubscribedAsync(hub.Port, UserA, "_INBOX.r 9");
        await Eventually.TrueAsync(() => HasLeafInterest(hub, "A", "svc") && HasLeafInterest(leaf, "A", "_INBOX.r"), "service and inbox interest across the leafnode");
        await requester.SendAsync("PUB svc _INBOX.r 4\r\nping\r\n");
        await service.ExpectAsync("MSG svc 1 _INBOX.r 4");
        await service.ExpectAsync("ping");
        await service.SendAsync("PUB _INBOX.r 4\r\npong\r\n");
        await requester.ExpectAsync("MSG _INBOX.r 9 4");
        await requester.ExpectAsync("pong");
        Assert.Empty(await serviceB.DrainMessagesAsync()); // the hub routed the request before the service saw it
    }

    [Fact]
    public async Task A_leaf_without_credentials_binds_to_the_authorization_account()
    {
        await using var hub = await StartHubAsync(o => o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, Account = "A" });
        await using var leaf = await TestServer.StartAsync(o =>
        {
            o.ServerName = "LEAF";
            o.LeafNodes = new LeafNodeOptions { ReconnectDelay = TimeSpan.FromMilliseconds(200), Remotes = [Remote($"nats-leaf://127.0.0.1:{hub.Server.LeafNodePort}")] };
        });
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1 && leaf.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(10));
        Assert.Equal("A", hub.Server.LeafNodes!.All.Single().Account!.Name);

        // The leaf's $G is the hub's A: both ways, and B on the hub hears nothing.
        await using RawClient bOnHub = await SubscribedAsync(hub.Port, UserB, "orders 1");
        await ExpectDeliveryAsync(hub.Port, UserA, leaf.Port, ("", ""), "orders");
        await ExpectDeliveryAsync(leaf.Port, ("", ""), hub.Port, UserA, "orders");
        Assert.Empty(await bOnHub.DrainMessagesAsync()); // the hub handled the leaf's marker after every probe

        // The connect_info INFO names the bound account.
        await using RawClient fake = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await fake.SendAsync("CONNECT {\"name\":\"FAKE\",\"headers\":true}\r\n");
        Assert.Contains("\"remote_account\":\"A\"", await fake.ReadLineSkippingPingsAsync());
    }

    [Theory]
    [InlineData("{\"user\":\"la\",\"pass\":\"wrong\"}")]
    [InlineData("{\"user\":\"nobody\",\"pass\":\"la\"}")]
    [InlineData("{}")]
    public async Task A_leaf_with_wrong_credentials_is_refused(string credentials)
    {
        await using var hub = await StartHubAsync();
        await using RawClient fake = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await fake.SendAsync($"CONNECT {credentials}\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await fake.ReadUntilClosedAsync());
        Assert.Equal(0, hub.Server.LeafNodeCount);
    }

    [Fact]
    public async Task A_NatsSharp_leaf_with_a_wrong_password_stays_out_while_the_right_one_binds()
    {
        await using var hub = await StartHubAsync();
        await using var bad = await StartLeafAsync(Remote($"nats-leaf://la:wrong@127.0.0.1:{hub.Server.LeafNodePort}", "A"));
        await using var good = await StartLeafAsync(Remote($"nats-leaf://lb:lb@127.0.0.1:{hub.Server.LeafNodePort}", "B"));
        await Eventually.TrueAsync(() => good.Server.LeafNodeCount == 1, "the leaf with the right password", TimeSpan.FromSeconds(10));
        Assert.Equal(0, bad.Server.LeafNodeCount);
        Assert.Equal("B", hub.Server.LeafNodes!.All.Single().Account!.Name);
    }

    [Theory]
    [InlineData("remote", "cannot find local account \"NOPE\" specified in leafnode remote")]
    [InlineData("user", "cannot find local account \"NOPE\" specified in leafnode authorization")]
    [InlineData("authorization", "cannot find local account \"NOPE\" specified in leafnode authorization")]
    public async Task A_leaf_account_that_does_not_exist_stops_the_server_from_starting(string where, string message)
    {
        var ex = await Assert.ThrowsAsync<NatsServerException>(() => TestServer.StartAsync(o =>
        {
            TwoAccounts(o);
            o.LeafNodes = where switch
            {
                "remote" => new LeafNodeOptions { Remotes = [Remote("nats-leaf://127.0.0.1:7422", "NOPE")] },
                "user" => new LeafNodeOptions { Port = -1, Users = [new LeafUser { Username = "l", Password = "p", Account = "NOPE" }] },
                _ => new LeafNodeOptions { Port = -1, Account = "NOPE" },
            };
        }));
        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task Without_leafnode_users_a_leaf_authenticates_as_a_client_user_and_binds_to_its_account()
    {
        await using var hub = await StartHubAsync(o => o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort });

        await using RawClient asB = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await asB.SendAsync("CONNECT {\"user\":\"b\",\"pass\":\"b\"}\r\n");
        Assert.Contains("\"remote_account\":\"B\"", await asB.ReadLineSkippingPingsAsync());

        await using RawClient anonymous = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await anonymous.SendAsync("CONNECT {}\r\n");
        Assert.Contains("\"remote_account\":\"$G\"", await anonymous.ReadLineSkippingPingsAsync());

        await using RawClient wrong = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await wrong.SendAsync("CONNECT {\"user\":\"b\",\"pass\":\"a\"}\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await wrong.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Echoing_the_hubs_loop_detection_subject_names_the_bound_account()
    {
        await using var hub = await StartHubAsync();
        await using RawClient fake = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        await fake.SendAsync("CONNECT {\"name\":\"FAKE\",\"user\":\"lb\",\"pass\":\"lb\"}\r\n");
        string lds = "";
        for (int i = 0; i < 20 && lds.Length == 0; i++)
        {
            string line = await fake.ReadLineAsync();
            if (line.StartsWith("LS+ $LDS.", StringComparison.Ordinal))
            {
                lds = line["LS+ ".Length..];
            }
        }

        Assert.NotEmpty(lds);
        await fake.SendAsync($"LS+ {lds}\r\n");
        Assert.Contains("-ERR 'Loop detected for leafnode account=\"B\". Delaying attempt to reconnect for 30s'", await fake.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task A_leaf_behind_a_hub_cluster_gets_each_message_of_its_account_once_and_never_the_other()
    {
        await using var n1 = await StartHubAsync(o => o.Cluster = new ClusterOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, Name = "hubs" });
        await using var n2 = await TestServer.StartAsync(o =>
        {
            o.ServerName = "HUB2";
            TwoAccounts(o);
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Name = "hubs",
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [new Uri($"nats-route://127.0.0.1:{n1.Server.ClusterPort}")],
            };
        });
        await using var leaf = await StartTwoRemoteLeafAsync(n1.Server.LeafNodePort);
        await Eventually.TrueAsync(() => n2.Server.RouteCount == 1 && leaf.Server.LeafNodeCount == 2, "route and leaf connections", TimeSpan.FromSeconds(10));

        await using RawClient subA = await SubscribedAsync(leaf.Port, UserA, "edge.> 1");
        await using RawClient subB = await SubscribedAsync(leaf.Port, UserB, "edge.> 1");
        await using RawClient pubA = await ConnectAs(n2.Port, UserA);
        await using RawClient pubB = await ConnectAs(n2.Port, UserB);
        await Eventually.TrueAsync(() => HasLeafInterest(n1, "A", "edge.>") && HasLeafInterest(n1, "B", "edge.>"), "the leaf's interest on the node it is connected to");

        // The other node learns it over the route asynchronously: probe each account until it arrives.
        foreach (var (pub, sub) in new[] { (pubA, subA), (pubB, subB) })
        {
            await Delivery.PublishUntilDeliveredAsync(pub, "edge.probe", sub, "p");
        }

        // Markers on edge.done follow each account's messages over the same route and leaf connection.
        await pubA.SendAsync(string.Concat(Enumerable.Repeat("PUB edge.a 1\r\na\r\n", 100)) + "PING\r\n");
        await pubA.ExpectAsync("PONG");
        Assert.Equal(100, await ClusterTests.CountMessagesAsync(subA, pubA, "edge.done"));
        Assert.Equal(0, await ClusterTests.CountMessagesAsync(subB, pubB, "edge.done"));

        await pubB.SendAsync(string.Concat(Enumerable.Repeat("PUB edge.b 1\r\nb\r\n", 60)) + "PING\r\n");
        await pubB.ExpectAsync("PONG");
        Assert.Equal(60, await ClusterTests.CountMessagesAsync(subB, pubB, "edge.done"));
        Assert.Equal(0, await ClusterTests.CountMessagesAsync(subA, pubA, "edge.done"));
    }

    [Fact]
    public async Task Leafz_shows_each_leafs_account_and_filters_by_acc()
    {
        await using var hub = await StartHubAsync(o => o.HttpPort = ServerOptions.RandomPort);
        await using var leaf = await StartTwoRemoteLeafAsync(hub.Server.LeafNodePort);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 2, "both leaf connections", TimeSpan.FromSeconds(10));

        using var http = new MonitorHttp(hub.Server.MonitorPort);
        var all = await http.JsonAsync("/leafz");
        Assert.Equal(2, all.GetProperty("leafnodes").GetInt32());
        Assert.Equal(["A", "B"], all.GetProperty("leafs").EnumerateArray().Select(l => l.GetProperty("account").GetString()).Order(StringComparer.Ordinal));

        var onlyB = await http.JsonAsync("/leafz?acc=B");
        Assert.Equal(1, onlyB.GetProperty("leafnodes").GetInt32());
        Assert.Equal("B", onlyB.GetProperty("leafs")[0].GetProperty("account").GetString());
        Assert.Equal(0, (await http.JsonAsync("/leafz?acc=NOPE")).GetProperty("leafnodes").GetInt32());
    }

    [Fact]
    public async Task NatsSharp_leaf_with_account_remotes_on_a_nats_server_hub()
    {
        int leafPort = FreePort.Next();
        string conf = Path.Combine(Directory.CreateTempSubdirectory("leafacc-hub-").FullName, "hub.conf");
        await File.WriteAllTextAsync(conf, "server_name: REALHUB\n" + AccountsConf +
            $"leafnodes {{ listen: 127.0.0.1:{leafPort}, authorization {{ users: [ {{user: la, password: la, account: A}}, {{user: lb, password: lb, account: B}} ] }} }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await using var leaf = await StartTwoRemoteLeafAsync(leafPort);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 2, "both leaf connections to nats-server", TimeSpan.FromSeconds(15));

        await AssertAccountsStayApartAsync(real.Port, leaf.Port, UserA, UserB);
    }

    [Fact]
    public async Task nats_server_leaf_with_account_remotes_on_a_NatsSharp_hub()
    {
        await using var hub = await StartHubAsync();
        int port = hub.Server.LeafNodePort;
        string conf = Path.Combine(Directory.CreateTempSubdirectory("leafacc-spoke-").FullName, "leaf.conf");
        await File.WriteAllTextAsync(conf, "server_name: REALLEAF\n" + AccountsConf +
            $"leafnodes {{ reconnect: 1, remotes = [ {{ url: \"nats-leaf://la:la@127.0.0.1:{port}\", account: A }}, {{ url: \"nats-leaf://lb:lb@127.0.0.1:{port}\", account: B }} ] }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 2, "nats-server's two leaf connections to us", TimeSpan.FromSeconds(15));
        Assert.Equal(["A", "B"], hub.Server.LeafNodes!.All.Select(l => l.Account!.Name).Order(StringComparer.Ordinal));

        await AssertAccountsStayApartAsync(hub.Port, real.Port, UserA, UserB);
    }

    [Fact]
    public async Task The_account_samples_connect_and_keep_the_accounts_apart()
    {
        string configs = Path.Combine(RepoRoot(), "configs");
        ServerOptions hubOptions = ConfigBinder.Load(Path.Combine(configs, "leafnode-accounts-hub.conf"), new ServerOptions()).Options;
        hubOptions.LeafNodes!.Port = ServerOptions.RandomPort;
        await using var hub = await TestServer.StartAsync(o => Copy(hubOptions, o));

        ServerOptions leafOptions = ConfigBinder.Load(Path.Combine(configs, "leafnode-accounts-leaf.conf"), new ServerOptions()).Options;
        leafOptions.LeafNodes!.ReconnectDelay = TimeSpan.FromMilliseconds(200);
        foreach (LeafRemote remote in leafOptions.LeafNodes.Remotes)
        {
            remote.Urls = [.. remote.Urls.Select(u => new UriBuilder(u) { Port = hub.Server.LeafNodePort }.Uri)];
        }

        await using var leaf = await TestServer.StartAsync(o => Copy(leafOptions, o));
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 2 && leaf.Server.LeafNodeCount == 2, "the sample leaf's two connections", TimeSpan.FromSeconds(10));
        await AssertAccountsStayApartAsync(hub.Port, leaf.Port, ("app-a", "app-a-secret"), ("app-b", "app-b-secret"));
    }

    [Fact]
    public async Task A_hub_offering_compression_is_answered_off_and_the_connection_stays_plain()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var leaf = await StartLeafAsync(Remote($"nats-leaf://127.0.0.1:{port}", "A"));
        using TcpClient accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await using NetworkStream stream = accepted.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        string info = $"INFO {{\"server_id\":\"FAKEHUB\",\"version\":\"2.10.0\",\"proto\":1,\"headers\":true,\"auth_required\":true,\"max_payload\":1048576,\"client_id\":3,\"nonce\":\"abc\",\"info_on_connect\":true,\"leafnode_urls\":[\"127.0.0.1:{port}\"],\"compression\":\"s2_auto\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(info + "}\r\n"));

        string connect = await ReadLineAsync(reader);
        Assert.StartsWith("CONNECT {", connect);
        Assert.Contains("\"compress_mode\":\"off\"", connect);

        await stream.WriteAsync(Encoding.ASCII.GetBytes(info + ",\"connect_info\":true,\"remote_account\":\"A\"}\r\nLS+ to.fake\r\n"));
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1 && HasLeafInterest(leaf, "A", "to.fake"), "the leaf registering with the fake hub");
        await using RawClient pub = await ConnectAs(leaf.Port, UserA);
        await pub.SendAsync("PUB to.fake 2\r\nhi\r\nPING\r\n");
        await pub.ExpectAsync("PONG");
        for (int i = 0; i < 20; i++)
        {
            string line = await ReadLineAsync(reader); // plain protocol lines: nothing was compressed
            if (line == "LMSG to.fake 2")
            {
                Assert.Equal("hi", await ReadLineAsync(reader));
                return;
            }

            Assert.Matches("^(LS\\+ .+|PING|PONG)$", line);
            if (line == "PING")
            {
                await stream.WriteAsync("PONG\r\n"u8.ToArray());
            }
        }

        Assert.Fail("the leaf never sent LMSG to.fake");
    }

    [Fact]
    public async Task A_2_10_leaf_naming_a_compression_mode_gets_a_plain_connection()
    {
        await using var hub = await StartHubAsync(o => o.LeafNodes!.Compression = new CompressionOptions { Mode = "s2_best" });
        await using RawClient fake = await RawClient.ConnectAsync(hub.Server.LeafNodePort);
        Assert.DoesNotContain("compression", fake.Info); // we look like a server without compression
        await fake.SendAsync("CONNECT {\"name\":\"FAKE10\",\"user\":\"la\",\"pass\":\"la\",\"compress_mode\":\"s2_fast\"}\r\nLS+ to.fake\r\n");
        Assert.Contains("\"remote_account\":\"A\"", await fake.ReadLineSkippingPingsAsync());
        await Eventually.TrueAsync(() => HasLeafInterest(hub, "A", "to.fake"), "the fake leaf's interest in A");
        await using RawClient pub = await ConnectAs(hub.Port, UserA);
        await pub.SendAsync("PUB to.fake 2\r\nhi\r\nPING\r\n");
        await pub.ExpectAsync("PONG");
        for (int i = 0; i < 20; i++)
        {
            if (await fake.ReadLineSkippingPingsAsync() == "LMSG to.fake 2")
            {
                Assert.Equal("hi", await fake.ReadLineAsync());
                return;
            }
        }

        Assert.Fail("no LMSG to.fake");
    }

    [Fact]
    public async Task NatsSharp_hub_and_leaf_both_configured_to_compress_still_talk()
    {
        await using var hub = await StartHubAsync(o => o.LeafNodes!.Compression = new CompressionOptions { Mode = "s2_fast" });
        LeafRemote remote = Remote($"nats-leaf://la:la@127.0.0.1:{hub.Server.LeafNodePort}", "A");
        remote.Compression = new CompressionOptions { Mode = "s2_auto", RttThresholds = [TimeSpan.FromMilliseconds(10)] };
        await using var leaf = await StartLeafAsync(remote);
        await Eventually.TrueAsync(() => hub.Server.LeafNodeCount == 1 && leaf.Server.LeafNodeCount == 1, "the leaf connection", TimeSpan.FromSeconds(10));
        await ExpectDeliveryAsync(hub.Port, UserA, leaf.Port, UserA, "compressed.not");
        Assert.False(HasClientInterest(hub, "B", "compressed.not"));
    }

    private static async Task<string> ReadLineAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(RawClient.DefaultTimeout);
        return await reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the leaf closed the connection");
    }

    /// <summary>Copies the options a sample bound onto the test server's options (host and ports stay the test's).</summary>
    private static void Copy(ServerOptions from, ServerOptions to)
    {
        to.ServerName = from.ServerName;
        to.Accounts = from.Accounts;
        to.LeafNodes = from.LeafNodes;
        to.LeafNodes!.Host = "127.0.0.1";
    }

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "NatsSharp.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("NatsSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
