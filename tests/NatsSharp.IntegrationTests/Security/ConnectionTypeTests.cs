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
        using var refusedLogs = new LogCapture();
        await using TestServer refusedLeaf = await StartLeafAsync(leafPort, "clientonly", "c", refusedLogs);
        await using TestServer leaf = await StartLeafAsync(leafPort, "leafonly", "l");
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "the LEAFNODE user's leaf", TimeSpan.FromSeconds(15));
        // The hub answered the refused leaf's attempts with -ERR; after several of them it is still out.
        bool refusedEnough = await Eventually.ReachedAsync(() => Task.FromResult(refusedLogs.Count("Leafnode Error 'Authorization Violation'") >= 3), TimeSpan.FromSeconds(15));
        Assert.True(refusedEnough, "the hub refusing the CLIENT-only user's leaf three times" + "; logged: " + string.Join("\n", refusedLogs.Lines));
        Assert.Equal(0, refusedLeaf.Server.LeafNodeCount);
    }

    private static Task<TestServer> StartLeafAsync(int hubLeafPort, string user, string pass, LogCapture? logs = null) =>
        TestServer.StartAsync(
            o => o.LeafNodes = new LeafNodeOptions
            {
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
                Remotes = [new LeafRemote { Urls = [new Uri($"nats-leaf://{user}:{pass}@127.0.0.1:{hubLeafPort}")] }],
            },
            logs);
}
