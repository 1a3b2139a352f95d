using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>NatsServer.ReloadAuthorization: new users and permissions reach connected clients.</summary>
public class ReloadAuthorizationTests
{
    private const string Before = """
        authorization {
          users = [
            { user: keep, password: pw, permissions: { subscribe: ["a.>", "b.>"] } }
            { user: gone, password: pw }
          ]
        }
        """;

    private const string After = """
        authorization {
          users = [
            { user: keep, password: pw, permissions: { subscribe: "a.>", publish: "a.>" } }
            { user: added, password: pw }
          ]
        }
        """;

    [Fact]
    public async Task Removed_users_are_closed_and_narrowed_permissions_drop_subscriptions()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Before);
        await using RawClient keep = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"keep","pass":"pw"}""");
        await using RawClient gone = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"gone","pass":"pw"}""");
        await keep.SendAsync("SUB a.x 1\r\nSUB b.x 2\r\nPING\r\n");
        await keep.ExpectAsync("PONG");

        server.ReloadAuthorization(ConfigBinder.Load(ConfiguredServer.WriteConfig(After)).Options);

        Assert.Equal(["-ERR 'Authorization Violation'"], await gone.ReadUntilClosedAsync());
        await keep.ExpectAsync("-ERR 'Permissions Violation for Subscription to \"b.x\" (sid \"2\")'");
        await keep.SendAsync("PUB b.x 1\r\nx\r\nPUB a.x 1\r\ny\r\nPING\r\n");
        await keep.ExpectAsync("-ERR 'Permissions Violation for Publish to \"b.x\"'");
        await keep.ExpectAsync("MSG a.x 1 1");
        Assert.Equal("y", await keep.ReadPayloadAsync(1));
        await keep.ExpectAsync("PONG");

        await using RawClient added = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"added","pass":"pw"}""");
        await using RawClient old = await RawClient.ConnectAsync(server.Port);
        await old.SendAsync("CONNECT {\"user\":\"gone\",\"pass\":\"pw\"}\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await old.ReadUntilClosedAsync());
    }

    [Fact]
    public async Task Invalid_options_change_nothing()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Before);
        ServerOptions bad = ConfigBinder.Load(ConfiguredServer.WriteConfig(After)).Options;
        bad.NoAuthUser = "ghost";
        Assert.Throws<NatsServerException>(() => server.ReloadAuthorization(bad));
        await using RawClient gone = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"gone","pass":"pw"}""");
    }
}
