using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Protocol;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// <c>cluster { permissions { import, export } }</c> on a NatsSharp node: it announces only the
/// interest it may import and accepts only the interest it may export, so messages cross the
/// route only where both allow — with a NatsSharp peer and with a real nats-server peer.
/// </summary>
public class RoutePermissionTests
{
    private static ClusterOptions Limited(int peerPort) => new()
    {
        Host = "127.0.0.1",
        Port = -1,
        Name = "perm",
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        Routes = peerPort > 0 ? [new Uri($"nats-route://127.0.0.1:{peerPort}")] : [],
        Permissions = new Permissions
        {
            Publish = new SubjectPermission { Allow = ["allowed.>"] },   // import
            Subscribe = new SubjectPermission { Allow = ["out.>"] },      // export
        },
    };

    [Fact]
    public async Task A_limited_node_imports_and_exports_only_what_it_may_with_a_NatsSharp_peer()
    {
        await using var peer = await TestServer.StartAsync(o => o.Cluster = new ClusterOptions { Host = "127.0.0.1", Port = -1, Name = "perm" });
        await using var limited = await TestServer.StartAsync(o => o.Cluster = Limited(peer.Server.ClusterPort));
        await Eventually.TrueAsync(() => limited.Server.RouteCount == 1 && peer.Server.RouteCount == 1, "the route");
        await CheckAsync(limited.Port, peer.Port);
    }

    [Fact]
    public async Task A_limited_node_imports_and_exports_only_what_it_may_with_a_nats_server_peer()
    {
        int realCluster = FreePort.Next();
        string conf = Path.Combine(Directory.CreateTempSubdirectory("routeperm-").FullName, "real.conf");
        await File.WriteAllTextAsync(conf, $"cluster {{ name: perm, listen: 127.0.0.1:{realCluster} }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);
        await using var limited = await TestServer.StartAsync(o => o.Cluster = Limited(realCluster));
        await Eventually.TrueAsync(() => limited.Server.RouteCount == 1, "the route to nats-server", TimeSpan.FromSeconds(15));
        await CheckAsync(limited.Port, real.Port);
    }

    private static async Task CheckAsync(int limitedPort, int peerPort)
    {
        await using var here = await RawClient.ConnectedAsync(limitedPort);
        await using var there = await RawClient.ConnectedAsync(peerPort);
        await using var pubHere = await RawClient.ConnectedAsync(limitedPort);   // publishers only, so their
        await using var pubThere = await RawClient.ConnectedAsync(peerPort);     // reads are never messages
        // Denied interest first: its RS+ (if any) crosses the route ahead of the allowed one we wait for.
        await here.SendAsync("SUB blocked.x 2\r\nSUB allowed.x 1\r\nPING\r\n");
        await here.ExpectAsync("PONG");
        await there.SendAsync("SUB secret.a 2\r\nSUB out.a 1\r\nPING\r\n");
        await there.ExpectAsync("PONG");

        // Wait until the allowed interest crossed both ways, then send everything once more.
        await Delivery.PublishUntilDeliveredAsync(pubThere, "allowed.x", here);
        await Delivery.PublishUntilDeliveredAsync(pubHere, "out.a", there);
        await pubThere.SendAsync("PUB blocked.x 1\r\nb\r\nPUB allowed.x 1\r\na\r\nPING\r\n");
        await pubThere.ExpectAsync("PONG");
        await pubHere.SendAsync("PUB secret.a 1\r\ns\r\nPUB out.a 1\r\no\r\nPING\r\n");
        await pubHere.ExpectAsync("PONG");

        // A marker on the allowed subject follows over the same route: nothing denied came before it.
        Assert.Equal(["MSG allowed.x 1 1 a"], await Delivery.MessagesBeforeMarkerAsync(pubThere, "allowed.x", here)); // never blocked.x: the limited node did not import it
        Assert.Equal(["MSG out.a 1 1 o"], await Delivery.MessagesBeforeMarkerAsync(pubHere, "out.a", there));        // never secret.a: the limited node did not export it
    }
}
