using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.SystemAccount;

/// <summary>
/// $SYS across routes: a NatsSharp cluster and a mixed cluster (NatsSharp, NatsSharp, nats-server)
/// where <c>$SYS.REQ.SERVER.PING</c> from any node gets one answer per node, and every node counts
/// the others (STATSZ <c>active_servers</c>) from their events.
/// </summary>
public class SystemAccountClusterTests
{
    private static string NodeConfig(string name, int clusterPort, int seedPort) => $$"""
        server_name: {{name}}
        {{SystemAccountSideBySideTests.Config}}
        cluster {
          name: sys
          listen: 127.0.0.1:{{clusterPort}}
          routes: [nats-route://127.0.0.1:{{seedPort}}]
        }
        """;

    [Fact]
    public async Task Ping_from_any_node_of_a_NatsSharp_cluster_gets_one_answer_per_node()
    {
        int seed = FreePort.Next();
        await using NatsServer a = await ConfiguredServer.StartAsync(NodeConfig("ONE", seed, seed));
        await using NatsServer b = await ConfiguredServer.StartAsync(NodeConfig("TWO", FreePort.Next(), seed));
        await Eventually.TrueAsync(() => a.RouteCount == 1 && b.RouteCount == 1, "routes", TimeSpan.FromSeconds(10));

        foreach (int port in new[] { a.Port, b.Port })
        {
            Assert.Equal(["ONE", "TWO"], await PingAsync(port, 2));
        }

        await ActiveServersAsync(a.Port, "ONE", 2);
    }

    [Fact]
    public async Task Ping_from_any_node_of_a_mixed_cluster_gets_one_answer_per_node_from_both_kinds()
    {
        int seed = FreePort.Next();
        await using NatsServer a = await ConfiguredServer.StartAsync(NodeConfig("ONE", seed, seed));
        await using NatsServer b = await ConfiguredServer.StartAsync(NodeConfig("TWO", FreePort.Next(), seed));
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(NodeConfig("REAL", FreePort.Next(), seed));
        await Eventually.TrueAsync(() => a.RouteCount == 2 && b.RouteCount == 2, "a full mesh", TimeSpan.FromSeconds(15));

        foreach (int port in new[] { a.Port, b.Port, real.Port })
        {
            Assert.Equal(["ONE", "REAL", "TWO"], await PingAsync(port, 3));
            Assert.Equal(["ONE", "REAL", "TWO"], await PingAsync(port, 3, "$SYS.REQ.SERVER.PING.VARZ"));
        }

        // Each kind hears the other's STATSZ events (nats-server drops one whose seq goes backwards).
        await ActiveServersAsync(a.Port, "ONE", 3);
        await ActiveServersAsync(real.Port, "REAL", 3);

        // An APP user's imported CONNZ is answered by every node (each with its own APP connections).
        await using SysClient app = await SysClient.ConnectAsync(b.Port, "app", "app");
        await app.SubscribeAsync("_INBOX.app.>", 1);
        await app.PublishAsync("$SYS.REQ.ACCOUNT.PING.CONNZ", "_INBOX.app.1", "");
        var servers = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            (string _, string body) = await app.NextAsync();
            using JsonDocument doc = JsonDocument.Parse(body);
            servers.Add(doc.RootElement.GetProperty("server").GetProperty("name").GetString()!);
        }

        Assert.Equal(["ONE", "REAL", "TWO"], servers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Shutdown_events_cross_the_route_with_the_same_shape_both_ways()
    {
        int seed = FreePort.Next();
        NatsServer ours = await ConfiguredServer.StartAsync(NodeConfig("ONE", seed, seed));
        RealNatsServer real = await ConfiguredServer.StartRealAsync(NodeConfig("REAL", FreePort.Next(), seed));
        try
        {
            await Eventually.TrueAsync(() => ours.RouteCount == 1, "the route", TimeSpan.FromSeconds(10));
            await using SysClient onReal = await SysClient.ConnectAsync(real.Port, "sys", "sys");
            await onReal.SubscribeAsync("$SYS.SERVER.*.SHUTDOWN", 1);
            await PingAsync(real.Port, 2); // both subscriptions have crossed the route

            await ours.StopAsync();
            (string oursSubject, string oursBody) = await onReal.NextAsync();
            Assert.Equal($"$SYS.SERVER.{ours.ServerId}.SHUTDOWN", oursSubject);
            await ActiveServersAsync(real.Port, "REAL", 1); // nats-server forgot us

            ours = await ConfiguredServer.StartAsync(NodeConfig("ONE", seed, seed));
            await Eventually.TrueAsync(() => ours.RouteCount == 1, "the route again", TimeSpan.FromSeconds(10));
            await using SysClient again = await SysClient.ConnectAsync(ours.Port, "sys", "sys");
            await again.SubscribeAsync("$SYS.SERVER.*.SHUTDOWN", 1);
            await PingAsync(ours.Port, 2);
            real.Signal(15); // SIGTERM: a graceful shutdown, which sends the event
            (string _, string realBody) = await again.NextAsync();
            JsonShape.AssertSame("SHUTDOWN", realBody, oursBody, new HashSet<string>());
            await ActiveServersAsync(ours.Port, "ONE", 1); // and we forgot it
        }
        finally
        {
            await ours.DisposeAsync();
            await real.DisposeAsync();
        }
    }

    /// <summary>
    /// The server names answering <paramref name="subject"/>: waits for <paramref name="expected"/> answers,
    /// then proves no more came with a second request whose answers arrive after any late one of the first.
    /// </summary>
    private static async Task<List<string>> PingAsync(int port, int expected, string subject = "$SYS.REQ.SERVER.PING")
    {
        await using SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys");
        await sys.SubscribeAsync("_INBOX.p.>", 1);
        await sys.PublishAsync(subject, "_INBOX.p.first", "");
        var names = new List<string>();
        for (int i = 0; i < expected; i++)
        {
            (string s, string body) = await sys.NextAsync();
            Assert.Equal("_INBOX.p.first", s);
            using JsonDocument doc = JsonDocument.Parse(body);
            names.Add(doc.RootElement.GetProperty("server").GetProperty("name").GetString()!);
        }

        await sys.PublishAsync(subject, "_INBOX.p.second", "");
        for (int i = 0; i < expected; i++)
        {
            (string s, string _) = await sys.NextAsync();
            Assert.Equal("_INBOX.p.second", s); // a duplicate answer to the first would show here
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    private static async Task ActiveServersAsync(int port, string name, int expected)
    {
        await Eventually.TrueAsync(async () =>
        {
            await using SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys");
            await sys.SubscribeAsync("_INBOX.s.>", 1);
            await sys.PublishAsync("$SYS.REQ.SERVER.PING.STATSZ", "_INBOX.s.1", $$"""{"server_name":"{{name}}"}""");
            (string _, string body) = await sys.NextAsync();
            using JsonDocument doc = JsonDocument.Parse(body);
            return doc.RootElement.GetProperty("statsz").GetProperty("active_servers").GetInt32() == expected;
        }, $"{name}: active_servers {expected}", TimeSpan.FromSeconds(20));
    }
}
