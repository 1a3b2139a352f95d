using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Accounts;

namespace NatsSharp.IntegrationTests;

/// <summary>Accounts: each has its own subject space, on one server and across routes.</summary>
public class AccountTests
{
    private static void TwoAccounts(ServerOptions o)
    {
        o.Accounts =
        [
            new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }, new User { Username = "a2", Password = "a2" }] },
            new AccountOptions { Name = "B", Users = [new User { Username = "b", Password = "b" }] },
        ];
    }

    private static Task<RawClient> ConnectAs(int port, string user) =>
        RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"user\":\"{user}\",\"pass\":\"{user}\"}}");

    [Fact]
    public async Task A_user_of_one_account_never_sees_another_accounts_messages()
    {
        await using var server = await TestServer.StartAsync(TwoAccounts);
        await using var a = await ConnectAs(server.Port, "a");
        await using var b = await ConnectAs(server.Port, "b");
        await a.SendAsync("SUB foo 1\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await b.SendAsync("SUB foo 1\r\nPUB foo 5\r\nfromB\r\nPING\r\n");
        await b.ExpectAsync("MSG foo 1 5");
        await b.ExpectAsync("fromB");
        await b.ExpectAsync("PONG");

        await using var a2 = await ConnectAs(server.Port, "a2");
        await a2.SendAsync("PUB foo 5\r\nfromA\r\nPING\r\n");
        await a2.ExpectAsync("PONG");
        await a.ExpectAsync("MSG foo 1 5");
        await a.ExpectAsync("fromA"); // and not B's message before it
        await a.SendAsync("PING\r\n");
        await a.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Accounts_stay_apart_across_routes()
    {
        await using var n1 = await TestServer.StartAsync(o =>
        {
            TwoAccounts(o);
            o.Cluster = new ClusterOptions { Host = "127.0.0.1", Port = -1, Name = "acc" };
        });
        await using var n2 = await TestServer.StartAsync(o =>
        {
            TwoAccounts(o);
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1", Port = -1, Name = "acc", ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [new Uri($"nats-route://127.0.0.1:{n1.Server.ClusterPort}")],
            };
        });
        await Eventually.TrueAsync(() => n1.Server.RouteCount == 1 && n2.Server.RouteCount == 1, "the route");

        await using var a = await ConnectAs(n1.Port, "a");
        await a.SendAsync("SUB orders 1\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await using var b = await ConnectAs(n2.Port, "b");
        await using var a2 = await ConnectAs(n2.Port, "a2");

        // A's interest crosses the route under A's name: a2 on the other node reaches a.
        await OnlyAccountAReachesAsync(a, a2, b);
    }

    [Fact]
    public async Task Accounts_stay_apart_in_a_mixed_cluster_with_nats_server()
    {
        int realCluster = FreePort.Next();
        string conf = Path.Combine(Directory.CreateTempSubdirectory("acc-real-").FullName, "real.conf");
        await File.WriteAllTextAsync(conf, $$"""
            server_name: REAL
            accounts {
              A: { users: [ {user: a, password: a}, {user: a2, password: a2} ] }
              B: { users: [ {user: b, password: b} ] }
            }
            cluster { name: acc, listen: 127.0.0.1:{{realCluster}} }
            """);
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await using var ours = await TestServer.StartAsync(o =>
        {
            TwoAccounts(o);
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1", Port = -1, Name = "acc", ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [new Uri($"nats-route://127.0.0.1:{realCluster}")],
            };
        });
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 1, "our route to nats-server", TimeSpan.FromSeconds(15));

        await using var a = await ConnectAs(real.Port, "a");      // account A on nats-server
        await a.SendAsync("SUB orders 1\r\nPING\r\n");
        await a.ExpectAsync("PONG");
        await using var b = await ConnectAs(ours.Port, "b");      // account B on NatsSharp
        await using var a2 = await ConnectAs(ours.Port, "a2");    // account A on NatsSharp
        await OnlyAccountAReachesAsync(a, a2, b);
    }

    /// <summary>
    /// Waits until a2 (account A) reaches a across the route, then has b (account B, same node as a2) and a2
    /// publish: a2's marker follows both over the same route, so only A's message may come before it.
    /// </summary>
    private static async Task OnlyAccountAReachesAsync(RawClient a, RawClient a2, RawClient b)
    {
        await Delivery.PublishUntilDeliveredAsync(a2, "orders", a, "a");
        await b.SendAsync("PUB orders 1\r\nb\r\nPING\r\n");
        await b.ExpectAsync("PONG");
        await a2.SendAsync("PUB orders 1\r\na\r\nPING\r\n");
        await a2.ExpectAsync("PONG");
        Assert.Equal(["MSG orders 1 1 a"], await Delivery.MessagesBeforeMarkerAsync(a2, "orders", a)); // never "b"
    }
}
