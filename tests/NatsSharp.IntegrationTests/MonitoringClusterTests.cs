using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Cluster;

namespace NatsSharp.IntegrationTests;

/// <summary>/routez and the /varz cluster section, with a NatsSharp node routed to the real nats-server.</summary>
public class MonitoringClusterTests
{
    [Fact]
    public async Task Routez_and_varz_describe_a_route_to_nats_server_like_nats_server_does()
    {
        int realCluster = FreePort.Next();
        await using RealNatsServer real = await RealNatsServer.StartAsync("-n", "REAL", "-m", "-1", "--cluster", $"nats://127.0.0.1:{realCluster}", "--cluster_name", "moncl");
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            o.ServerName = "OURS";
            o.HttpPort = ServerOptions.RandomPort;
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Name = "moncl",
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [new Uri($"nats-route://127.0.0.1:{realCluster}")],
            };
        });
        await Eventually.TrueAsync(() => ours.Server.RouteCount == 1, "our route to nats-server", TimeSpan.FromSeconds(10));
        using var realHttp = new MonitorHttp(real.MonitorPort);
        using var ourHttp = new MonitorHttp(ours.Server.MonitorPort);

        // Interest on each side, so each route carries remote subscriptions.
        await using RawClient realSub = await RawClient.ConnectedAsync(real.Port);
        await realSub.SendAsync("SUB orders.new 1\r\nSUB orders.* workers 2\r\nPING\r\n");
        await realSub.ExpectAsync("PONG");
        await using RawClient ourSub = await RawClient.ConnectedAsync(ours.Port);
        await ourSub.SendAsync("SUB metrics 1\r\nSUB metrics.q grp 2\r\nPING\r\n");
        await ourSub.ExpectAsync("PONG");
        await ClusterTests.ExpectDeliveryAsync(ours.Port, real.Port, "real.to.ours");

        string realId = (await realHttp.JsonAsync("/varz")).GetProperty("server_id").GetString()!;
        JsonElement routez = await Eventually.JsonAsync(ourHttp, "/routez?subs=1", z =>
            z.GetProperty("num_routes").GetInt32() == 1 &&
            z.GetProperty("routes")[0].TryGetProperty("subscriptions_list", out JsonElement l) &&
            l.EnumerateArray().Any(e => e.GetString() == "orders.new") && l.EnumerateArray().Any(e => e.GetString() == "orders.*"));
        JsonElement route = routez.GetProperty("routes")[0];
        Assert.Equal(realId, route.GetProperty("remote_id").GetString());
        Assert.True(route.GetProperty("did_solicit").GetBoolean());
        Assert.True(route.GetProperty("is_configured").GetBoolean());
        Assert.Equal("127.0.0.1", route.GetProperty("ip").GetString());
        Assert.Equal(realCluster, route.GetProperty("port").GetInt32());
        Assert.True(route.GetProperty("in_msgs").GetInt64() >= 1); // real.to.ours came over it

        // nats-server sees the same route from its side, accepted, with our id.
        JsonElement realRoute = (await Eventually.JsonAsync(realHttp, "/routez", z => z.GetProperty("num_routes").GetInt32() == 1 && z.GetProperty("routes")[0].GetProperty("subscriptions").GetInt32() == 2)).GetProperty("routes")[0];
        Assert.Equal(ours.Server.ServerId, realRoute.GetProperty("remote_id").GetString());
        Assert.False(realRoute.GetProperty("did_solicit").GetBoolean());

        // The same keys and JSON types per route, in both subscription forms.
        foreach (string path in new[] { "/routez", "/routez?subs=1", "/routez?subs=detail" })
        {
            JsonElement theirs = (await realHttp.JsonAsync(path)).GetProperty("routes")[0];
            JsonElement mine = (await ourHttp.JsonAsync(path)).GetProperty("routes")[0];
            var expected = Shape(theirs).Select(kv => $"{kv.Key}:{kv.Value}").ToHashSet();
            var actual = Shape(mine).Select(kv => $"{kv.Key}:{kv.Value}").ToHashSet();
            Assert.True(expected.SetEquals(actual), $"{path}: nats-server only [{string.Join(", ", expected.Except(actual))}], ours only [{string.Join(", ", actual.Except(expected))}]");
        }

        JsonElement cluster = (await ourHttp.JsonAsync("/varz")).GetProperty("cluster");
        Assert.Equal("moncl", cluster.GetProperty("name").GetString());
        Assert.Equal(ours.Server.ClusterPort, cluster.GetProperty("cluster_port").GetInt32());
        Assert.Equal([$"127.0.0.1:{realCluster}"], cluster.GetProperty("urls").EnumerateArray().Select(e => e.GetString()));
        JsonElement realCluster2 = (await realHttp.JsonAsync("/varz")).GetProperty("cluster");
        Assert.Equal(Shape(realCluster2).Keys.Order(), Shape(cluster).Keys.Where(k => !k.StartsWith("urls", StringComparison.Ordinal)).Order());
        JsonElement varz = await ourHttp.JsonAsync("/varz");
        Assert.Equal((1, 1), (varz.GetProperty("routes").GetInt32(), varz.GetProperty("remotes").GetInt32()));
        var connectUrls = varz.GetProperty("connect_urls").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains($"127.0.0.1:{ours.Port}", connectUrls);
        Assert.Contains($"127.0.0.1:{real.Port}", connectUrls);

        // rtt: our keepalive PING is timed; after its PONG the route shows a Go duration, never "0s".
        JsonElement timed = (await Eventually.JsonAsync(ourHttp, "/routez", z => z.GetProperty("routes")[0].GetProperty("rtt").GetString() != "0s")).GetProperty("routes")[0];
        Assert.Matches(@"^\d+(\.\d+)?(ns|µs|ms|s)$", timed.GetProperty("rtt").GetString());

        // /subsz lists only local interest; the remote subscriptions are in /routez.
        JsonElement subsz = await ourHttp.JsonAsync("/subsz?subs=1");
        Assert.Equal(["metrics", "metrics.q"], subsz.GetProperty("subscriptions_list").EnumerateArray().Select(e => e.GetProperty("subject").GetString()).Order(StringComparer.Ordinal));
    }

    private static SortedDictionary<string, string> Shape(JsonElement e)
    {
        var shape = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(e, "", shape);
        return shape;
    }

    private static void Walk(JsonElement e, string path, SortedDictionary<string, string> shape)
    {
        if (path.Length > 0)
        {
            shape[path] = e.ValueKind is JsonValueKind.True or JsonValueKind.False ? "bool" : e.ValueKind.ToString();
        }

        if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty p in e.EnumerateObject())
            {
                Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, shape);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in e.EnumerateArray())
            {
                Walk(item, path + "[]", shape);
            }
        }
    }
}
