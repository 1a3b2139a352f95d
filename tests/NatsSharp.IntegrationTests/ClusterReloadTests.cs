using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Protocol;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Live reload of <c>cluster {}</c> (NatsServer.Reload, the in-process half of SIGHUP): what
/// nats-server 2.9.10 applies at once — authorization, permissions, name, advertise,
/// no_advertise, connect_retries — with NatsSharp and nats-server peers.
/// </summary>
public class ClusterReloadTests
{
    private static ServerOptions Next(TestServer server, Action<ClusterOptions> change)
    {
        ServerOptions next = server.Server.Options.Clone();
        change(next.Cluster!);
        return next;
    }

    private static Task<TestServer> StartSecuredAsync(string password) =>
        TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "test-cluster", Username = "ruser", Password = password,
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
        });

    /// <summary>The subjects of the interest <paramref name="server"/> holds for its routes.</summary>
    private static List<string> RemoteSubjects(TestServer server) =>
        [.. server.Server.Cluster!.Routes.SelectMany(r => r.RemoteSubscriptionsSnapshot()).Select(s => Encoding.UTF8.GetString(s.Subject))];

    [Fact]
    public async Task New_route_credentials_close_accepted_routes_that_no_longer_match()
    {
        await using var a = await StartSecuredAsync("one");
        await using var b = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "test-cluster", ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Routes = [new Uri($"nats-route://ruser:one@127.0.0.1:{a.Server.ClusterPort}")],
        });
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "the authorized route");

        a.Server.Reload(Next(a, c => c.Password = "two"));
        await Eventually.TrueAsync(() => a.Server.RouteCount == 0 && b.Server.RouteCount == 0, "the route closed by the new password");

        // B keeps dialling with the old password and is refused; with the new one it is back.
        b.Server.Reload(Next(b, c => c.Routes = [new Uri($"nats-route://ruser:two@127.0.0.1:{a.Server.ClusterPort}")]));
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "the route with the new password");
        await ClusterTests.ExpectDeliveryAsync(a.Port, b.Port, "after.new.password");
    }

    [Fact]
    public async Task New_route_credentials_close_a_nats_server_route_that_no_longer_matches()
    {
        await using var a = await StartSecuredAsync("one");
        string conf = Path.Combine(Directory.CreateTempSubdirectory("clreload-").FullName, "real.conf");
        await File.WriteAllTextAsync(conf, $"cluster {{ name: test-cluster, listen: 127.0.0.1:-1, routes: [\"nats-route://ruser:one@127.0.0.1:{a.Server.ClusterPort}\"] }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1, "nats-server's authorized route", TimeSpan.FromSeconds(15));
        await ClusterTests.ExpectDeliveryAsync(a.Port, real.Port, "real.before");

        a.Server.Reload(Next(a, c => c.Password = "two"));
        await Eventually.TrueAsync(() => a.Server.RouteCount == 0, "nats-server's route closed by the new password");
        await using var client = await RawClient.ConnectedAsync(a.Port);
        await client.SendAsync("PING\r\n");
        await client.ExpectAsync("PONG");
        Assert.Equal(0, a.Server.RouteCount); // its retries with the old password are refused
    }

    [Fact]
    public async Task New_route_permissions_withdraw_and_reannounce_interest_with_a_NatsSharp_peer()
    {
        await using var a = await ClusterTests.StartNodeAsync("A");
        await using var b = await ClusterTests.StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "the route");
        await using var onA = await RawClient.ConnectedAsync(a.Port);
        await onA.SendAsync("SUB in.x 1\r\nPING\r\n");
        await onA.ExpectAsync("PONG");
        await using var onB = await RawClient.ConnectedAsync(b.Port);
        await onB.SendAsync("SUB out.y 1\r\nPING\r\n");
        await onB.ExpectAsync("PONG");
        await Eventually.TrueAsync(() => RemoteSubjects(b).Contains("in.x") && RemoteSubjects(a).Contains("out.y"), "interest both ways");

        // Import narrowed: A withdraws in.x (RS-). Export narrowed: A forgets B's out.y.
        a.Server.Reload(Next(a, c => c.Permissions = new Permissions
        {
            Publish = new SubjectPermission { Allow = ["other.>"] },
            Subscribe = new SubjectPermission { Deny = ["out.>"] },
        }));
        await Eventually.TrueAsync(() => !RemoteSubjects(b).Contains("in.x") && !RemoteSubjects(a).Contains("out.y"), "interest withdrawn and dropped");

        // Limits lifted: A announces in.x again, and B re-sends out.y on A's new INFO (export).
        a.Server.Reload(Next(a, c => c.Permissions = null));
        await Eventually.TrueAsync(() => RemoteSubjects(b).Contains("in.x") && RemoteSubjects(a).Contains("out.y"), "interest back both ways");
        await ClusterTests.ExpectDeliveryAsync(a.Port, b.Port, "in.x");
    }

    [Fact]
    public async Task New_route_permissions_withdraw_and_reannounce_interest_with_a_nats_server_peer()
    {
        int realCluster = FreePort.Next();
        await using var real = await RealNatsServer.StartAsync("-m", "-1", "--cluster", $"nats://127.0.0.1:{realCluster}", "--cluster_name", "test-cluster");
        await using var a = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions
        {
            Host = "127.0.0.1", Port = -1, Name = "test-cluster", ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Routes = [new Uri($"nats-route://127.0.0.1:{realCluster}")],
        });
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1, "the route to nats-server", TimeSpan.FromSeconds(15));
        using var realHttp = new MonitorHttp(real.MonitorPort);
        await using var onA = await RawClient.ConnectedAsync(a.Port);
        await onA.SendAsync("SUB in.x 1\r\nPING\r\n");
        await onA.ExpectAsync("PONG");
        await using var onReal = await RawClient.ConnectedAsync(real.Port);
        await onReal.SendAsync("SUB out.y 1\r\nPING\r\n");
        await onReal.ExpectAsync("PONG");
        await UntilRealAsync(realHttp, subjects => subjects.Contains("in.x"), "nats-server has A's in.x");
        await Eventually.TrueAsync(() => RemoteSubjects(a).Contains("out.y"), "A has nats-server's out.y");

        a.Server.Reload(Next(a, c => c.Permissions = new Permissions
        {
            Publish = new SubjectPermission { Allow = ["other.>"] },
            Subscribe = new SubjectPermission { Deny = ["out.>"] },
        }));
        await UntilRealAsync(realHttp, subjects => !subjects.Contains("in.x"), "nats-server lost A's in.x (RS-)");
        await Eventually.TrueAsync(() => !RemoteSubjects(a).Contains("out.y"), "A dropped out.y");

        // nats-server re-sends out.y when our INFO says the export limit is gone.
        a.Server.Reload(Next(a, c => c.Permissions = null));
        await UntilRealAsync(realHttp, subjects => subjects.Contains("in.x"), "nats-server has A's in.x again");
        await Eventually.TrueAsync(() => RemoteSubjects(a).Contains("out.y"), "nats-server re-sent out.y");
        await ClusterTests.ExpectDeliveryAsync(real.Port, a.Port, "out.y");
    }

    private static async Task UntilRealAsync(MonitorHttp http, Func<List<string>, bool> done, string what)
    {
        List<string> last = [];
        bool reached = await Eventually.ReachedAsync(
            async () =>
            {
                JsonElement routes = (await http.JsonAsync("/routez?subs=1")).GetProperty("routes");
                last = [.. routes.EnumerateArray().SelectMany(r => r.TryGetProperty("subscriptions_list", out JsonElement l) ? l.EnumerateArray().Select(e => e.GetString()!) : [])];
                return done(last);
            },
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(50));
        Assert.True(reached, $"{what}: never; last subscriptions: {string.Join(", ", last)}");
    }

    [Fact]
    public async Task Name_advertise_no_advertise_and_connect_retries_apply_live()
    {
        await using var a = await ClusterTests.StartNodeAsync("A");
        await using var b = await ClusterTests.StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "the route");
        string bUrl = $"127.0.0.1:{b.Port}";
        await Eventually.TrueAsync(() => a.Server.ConnectUrlsForClients()?.Contains(bUrl) == true, "B's client URL on A");
        await using var client = await RawClient.ConnectedAsync(a.Port, "{\"verbose\":false,\"protocol\":1}");
        Assert.Contains(bUrl, client.Info, StringComparison.Ordinal);

        a.Server.Reload(Next(a, c =>
        {
            c.Name = "renamed";
            c.Advertise = "10.9.8.7:4567";
            c.NoAdvertise = true;
            c.ConnectRetries = 3;
        }));
        Assert.Equal("renamed", a.Server.ClusterName);
        Assert.Equal(3, a.Server.Cluster!.Options.ConnectRetries);

        // Clients that take async INFO are told: no more connect_urls from the cluster.
        string info = "";
        for (int i = 0; i < 10 && !(info.StartsWith("INFO ", StringComparison.Ordinal) && !info.Contains(bUrl, StringComparison.Ordinal)); i++)
        {
            info = await client.ReadLineSkippingPingsAsync();
        }

        Assert.DoesNotContain(bUrl, info, StringComparison.Ordinal);
        Assert.Contains("\"cluster\":\"renamed\"", info, StringComparison.Ordinal);

        // New routes are told the advertised address.
        await using var route = await RawClient.ConnectAsync(a.Server.ClusterPort);
        Assert.Contains("\"ip\":\"nats-route://10.9.8.7:4567/\"", route.Info, StringComparison.Ordinal);
        Assert.Contains("\"cluster\":\"renamed\"", route.Info, StringComparison.Ordinal);

        // no_advertise off again: B's URL is back.
        a.Server.Reload(Next(a, c => c.NoAdvertise = false));
        Assert.Contains(bUrl, a.Server.ConnectUrlsForClients() ?? []);
    }

    [Fact]
    public async Task A_refused_cluster_reload_changes_nothing()
    {
        await using var a = await ClusterTests.StartNodeAsync("A");
        var ex = Assert.Throws<NatsServerException>(() => a.Server.Reload(Next(a, c =>
        {
            c.Name = "renamed";
            c.Advertise = "host:abc";
        })));
        Assert.Equal("invalid Cluster.Advertise value of host:abc, err=strconv.Atoi: parsing \"abc\": invalid syntax", ex.Message);
        Assert.Equal("test-cluster", a.Server.ClusterName);
        Assert.Equal("", a.Server.Options.Cluster!.Advertise);

        ex = Assert.Throws<NatsServerException>(() => a.Server.Reload(Next(a, c =>
        {
            c.Name = "renamed";
            c.Port = a.Server.ClusterPort + 1;
        })));
        Assert.StartsWith("config reload not supported for cluster port: old=-1, new=", ex.Message, StringComparison.Ordinal);
        Assert.Equal("test-cluster", a.Server.ClusterName);
    }
}
