using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// A fake leaf (raw leafnode protocol) against a hub that is the real nats-server 2.9.10 or NatsSharp:
/// the account's mapping sources announced as interest, a leaf's publish mapped, and <c>max_leafnodes</c>.
/// </summary>
public class LeafMappingAndLimitSideBySideTests
{
    private static string Config(int leafPort) => $$"""
        leafnodes { listen: "127.0.0.1:{{leafPort}}" }
        accounts {
          A: { users: [{user: a, password: a}], limits: { max_leafnodes: 1 }, mappings: { "m.*": "mapped.$1" } }
        }
        """;

    [Fact]
    public async Task Leaf_hears_mapping_sources_its_publishes_are_mapped_and_max_leafnodes_refuses_the_next()
    {
        int realLeaf = FreePort.Next();
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config(realLeaf));
        int ourLeaf = FreePort.Next();
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config(ourLeaf));

        string expected = await Scenario(real.Port, realLeaf);
        Assert.Equal(
            "interest: LS+ m.*,LS+ mapped.* | delivered: MSG mapped.x 1 2 | second: -ERR 'maximum account active connections exceeded',closed | after the first left: accepted",
            expected);
        Assert.Equal(expected, await Scenario(ours.Port, ourLeaf));
    }

    private static async Task<string> Scenario(int clientPort, int leafPort)
    {
        var parts = new List<string>();
        await using RawClient sub = await RawClient.ConnectedAsync(clientPort, "{\"verbose\":false,\"user\":\"a\",\"pass\":\"a\"}");
        await sub.SendAsync("SUB mapped.* 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");

        await using (RawClient leaf = await RawClient.ConnectAsync(leafPort))
        {
            await leaf.SendAsync("CONNECT {\"name\":\"FAKE\",\"user\":\"a\",\"pass\":\"a\",\"headers\":true}\r\nPING\r\n");
            var interest = new List<string>();
            for (string line = await leaf.ReadLineAsync(); line != "PONG"; line = await leaf.ReadLineAsync())
            {
                // $LDS: the loop-detection subject (random); $SYS: the system account's imports (another part of issue 14).
                if (line.StartsWith("LS+ ", StringComparison.Ordinal) && !line.StartsWith("LS+ $LDS.", StringComparison.Ordinal) && !line.StartsWith("LS+ $SYS.", StringComparison.Ordinal))
                {
                    interest.Add(line);
                }
            }

            parts.Add("interest: " + string.Join(",", interest.Order(StringComparer.Ordinal)));
            await leaf.SendAsync("LMSG m.x 2\r\nhi\r\n");
            parts.Add("delivered: " + await sub.ReadLineSkippingPingsAsync());
            await sub.ReadLineAsync();

            await using RawClient second = await RawClient.ConnectAsync(leafPort);
            await second.SendAsync("CONNECT {\"name\":\"FAKE2\",\"user\":\"a\",\"pass\":\"a\"}\r\n");
            parts.Add($"second: {string.Join(",", (await second.ReadUntilClosedAsync()).Where(l => !l.StartsWith("INFO ", StringComparison.Ordinal)))},closed");
        }

        // The count drops when the server has processed the close: retried a bounded number of times.
        bool accepted = false;
        await Eventually.ReachedAsync(
            async () =>
            {
                await using RawClient again = await RawClient.ConnectAsync(leafPort);
                await again.SendAsync("CONNECT {\"name\":\"FAKE3\",\"user\":\"a\",\"pass\":\"a\"}\r\nPING\r\n");
                try
                {
                    for (string line = await again.ReadLineAsync(); ; line = await again.ReadLineAsync())
                    {
                        if (line == "PONG")
                        {
                            return accepted = true;
                        }

                        if (line.StartsWith("-ERR", StringComparison.Ordinal))
                        {
                            return false;
                        }
                    }
                }
                catch (Exception e) when (RawClient.IsClosedByServer(e))
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(20));
        parts.Add(accepted ? "after the first left: accepted" : "after the first left: refused");
        return string.Join(" | ", parts);
    }
}
