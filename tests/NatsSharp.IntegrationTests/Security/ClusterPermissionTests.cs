using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Protocol;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>Subscribe permissions also hold for messages that arrive over a route (checked at delivery).</summary>
public class ClusterPermissionTests
{
    private static Task<TestServer> StartNodeAsync(string name, params int[] seedPorts) =>
        TestServer.StartAsync(o =>
        {
            o.ServerName = name;
            o.Users =
            [
                new User { Username = "reader", Password = "pw", Permissions = new Permissions { Subscribe = new SubjectPermission { Allow = ["feed.>"], Deny = ["feed.secret"] } } },
                new User { Username = "writer", Password = "pw" },
            ];
            o.Cluster = new ClusterOptions
            {
                Host = "127.0.0.1",
                Port = ServerOptions.RandomPort,
                Name = "secure-cluster",
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Routes = [.. seedPorts.Select(p => new Uri($"nats-route://127.0.0.1:{p}"))],
            };
        });

    [Fact]
    public async Task Denied_subjects_are_filtered_for_wildcard_subscribers_on_another_node()
    {
        await using var a = await StartNodeAsync("A");
        await using var b = await StartNodeAsync("B", a.Server.ClusterPort);
        await Eventually.TrueAsync(() => a.Server.RouteCount == 1 && b.Server.RouteCount == 1, "one route on each node");

        await using RawClient reader = await RawClient.ConnectedAsync(b.Port, """{"verbose":false,"user":"reader","pass":"pw"}""");
        await reader.SendAsync("SUB feed.> 1\r\nPING\r\n");
        await reader.ExpectAsync("PONG");
        await using RawClient writer = await RawClient.ConnectedAsync(a.Port, """{"verbose":false,"user":"writer","pass":"pw"}""");

        // Interest crosses the route asynchronously: publish the allowed subject until it arrives.
        await Delivery.PublishUntilDeliveredAsync(writer, "feed.open", reader, "o", wait: TimeSpan.FromMilliseconds(300));

        // Once interest is known, a secret published before a marker never shows up ahead of it.
        await writer.SendAsync("PUB feed.secret 1\r\ns\r\nPUB feed.open 1\r\np\r\nPING\r\n");
        await writer.ExpectAsync("PONG");
        await reader.ExpectAsync("MSG feed.open 1 1");
        Assert.Equal("p", await reader.ReadPayloadAsync(1));
    }
}
