using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Cluster;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// What clients are told in INFO <c>connect_urls</c> by two routed nodes, with and without
/// <c>cluster { no_advertise }</c> on either side: two nats-server nodes and two NatsSharp nodes run the
/// same scenario and must tell their clients the same thing.
/// </summary>
public class ClusterAdvertiseTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Connect_urls_with_no_advertise_as_nats_server(bool noAdvertiseA, bool noAdvertiseB)
    {
        List<string> expected = await RealScenarioAsync(noAdvertiseA, noAdvertiseB);
        List<string> actual = await OurScenarioAsync(noAdvertiseA, noAdvertiseB);
        Assert.Equal(expected, actual);
    }

    private static async Task<List<string>> RealScenarioAsync(bool noAdvertiseA, bool noAdvertiseB)
    {
        int clusterA = FreePort.Next();
        await using var a = await RealNatsServer.StartAsync(RealArgs("A", clusterA, noAdvertiseA));
        return await ScenarioAsync(a.Port, async () =>
        {
            var b = await RealNatsServer.StartAsync([.. RealArgs("B", FreePort.Next(), noAdvertiseB), "--routes", $"nats-route://127.0.0.1:{clusterA}"]);
            return (b.Port, b);
        });
    }

    private static async Task<List<string>> OurScenarioAsync(bool noAdvertiseA, bool noAdvertiseB)
    {
        await using var a = await StartOursAsync("A", noAdvertiseA);
        return await ScenarioAsync(a.Port, async () =>
        {
            var b = await StartOursAsync("B", noAdvertiseB, a.Server.ClusterPort);
            return (b.Port, b);
        });
    }

    private static string[] RealArgs(string name, int clusterPort, bool noAdvertise) =>
        noAdvertise
            ? ["-n", name, "--cluster", $"nats://127.0.0.1:{clusterPort}", "--cluster_name", "adv", "--no_advertise"]
            : ["-n", name, "--cluster", $"nats://127.0.0.1:{clusterPort}", "--cluster_name", "adv"];

    private static Task<TestServer> StartOursAsync(string name, bool noAdvertise, params int[] routePorts) =>
        ClusterTests.StartNodeAsync(name, c => { c.Name = "adv"; c.NoAdvertise = noAdvertise; }, routePorts);

    /// <summary>
    /// A alone, then B routed to it. Returns, with ports named A and B: A's INFO alone, the async INFOs
    /// A's early client got when B joined, and the INFO new clients of A and B get.
    /// </summary>
    private static async Task<List<string>> ScenarioAsync(int portA, Func<Task<(int Port, IAsyncDisposable Server)>> startB)
    {
        var seen = new List<string>();
        await using var early = await RawClient.ConnectedAsync(portA, "{\"verbose\":false,\"protocol\":1}");
        seen.Add("A alone: " + ConnectUrls(early.Info, portA, 0));

        (int portB, IAsyncDisposable b) = await startB();
        await using (b)
        {
            // Messages both ways prove each node processed the other's route INFO (it comes first).
            await ClusterTests.ExpectDeliveryAsync(portA, portB, "adv.a");
            await ClusterTests.ExpectDeliveryAsync(portB, portA, "adv.b");

            // An async INFO for the early client was queued before the route carried interest: it is before this PONG.
            await early.SendAsync("PING\r\n");
            for (string line = await early.ReadLineSkippingPingsAsync(); line != "PONG"; line = await early.ReadLineSkippingPingsAsync())
            {
                seen.Add("A async: " + ConnectUrls(line, portA, portB));
            }

            await using var onA = await RawClient.ConnectAsync(portA);
            await using var onB = await RawClient.ConnectAsync(portB);
            seen.Add("A: " + ConnectUrls(onA.Info, portA, portB));
            seen.Add("B: " + ConnectUrls(onB.Info, portA, portB));
        }

        return seen;
    }

    private static string ConnectUrls(string infoLine, int portA, int portB)
    {
        Assert.StartsWith("INFO ", infoLine);
        using JsonDocument doc = JsonDocument.Parse(infoLine["INFO ".Length..]);
        if (!doc.RootElement.TryGetProperty("connect_urls", out JsonElement urls))
        {
            return "(none)";
        }

        return string.Join(",", urls.EnumerateArray().Select(u => u.GetString() switch
        {
            string s when s == $"127.0.0.1:{portA}" => "A",
            string s when s == $"127.0.0.1:{portB}" => "B",
            string s => s,
            null => "(null)",
        }));
    }
}
