using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// <c>allowed_connection_types</c>: a user limited to LEAFNODE cannot connect as a client, and one
/// limited to STANDARD cannot log a leaf in — the same on NatsSharp and on nats-server.
/// </summary>
public class ConnectionTypeTests
{
    private static string Config(int leafPort) => $$$"""
        authorization {
          users: [
            {user: leafonly, password: l, allowed_connection_types: ["LEAFNODE"]}
            {user: clientonly, password: c, allowed_connection_types: "standard"}
          ]
        }
        leafnodes { listen: "127.0.0.1:{{{leafPort}}}" }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Users_connect_only_as_the_kinds_they_are_allowed(bool realHub)
    {
        int leafPort = FreePort.Next();
        string file = Path.Combine(Directory.CreateTempSubdirectory("conntypes-").FullName, "hub.conf");
        await File.WriteAllTextAsync(file, Config(leafPort));
        await using IAsyncDisposable hub = realHub
            ? await RealNatsServer.StartAsync("-c", file)
            : await TestServer.StartAsync(o =>
            {
                ServerOptions loaded = ConfigBinder.Load(file).Options;
                o.Users = loaded.Users;
                o.LeafNodes = loaded.LeafNodes;
            });
        int port = hub is RealNatsServer r ? r.Port : ((TestServer)hub).Port;

        // As clients: only clientonly gets in.
        await using (RawClient refused = await RawClient.ConnectAsync(port))
        {
            await refused.SendAsync("CONNECT {\"verbose\":false,\"user\":\"leafonly\",\"pass\":\"l\"}\r\nPING\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await refused.ReadUntilClosedAsync());
        }

        await using (RawClient client = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"user\":\"clientonly\",\"pass\":\"c\"}"))
        {
            await client.SendAsync("PING\r\n");
            await client.ExpectAsync("PONG");
        }

        // As leafs (NatsSharp leafs dialling the hub): only leafonly gets in.
        await using TestServer refusedLeaf = await StartLeafAsync(leafPort, "clientonly", "c");
        await using TestServer leaf = await StartLeafAsync(leafPort, "leafonly", "l");
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the LEAFNODE user's leaf", TimeSpan.FromSeconds(15));
        await Task.Delay(1000); // the refused leaf has retried a few times by now
        Assert.Equal(0, refusedLeaf.Server.LeafNodeCount);
    }

    private static Task<TestServer> StartLeafAsync(int hubLeafPort, string user, string pass) =>
        TestServer.StartAsync(o => o.LeafNodes = new LeafNodeOptions
        {
            ReconnectDelay = TimeSpan.FromMilliseconds(200),
            Remotes = [new LeafRemote { Urls = [new Uri($"nats-leaf://{user}:{pass}@127.0.0.1:{hubLeafPort}")] }],
        });
}
