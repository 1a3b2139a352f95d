using System.Globalization;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

using static NatsSharp.IntegrationTests.JetStream.SourceCopyApi;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Mirrors and sources across JetStream domains: a hub (<c>domain: hub</c>) and a leaf (<c>domain: leaf</c>)
/// joined by a leafnode, same account; the leaf's streams read the hub's ORIGIN with
/// <c>external.api = "$JS.hub.API"</c>. The same configs on nats-server 2.9.10 and NatsSharp copy the same
/// messages, and <c>$JS.hub.API.INFO</c> asked on the leaf is answered by the hub; so do the mixed pairs.
/// </summary>
public sealed class JetStreamDomainSourceTests
{
    private const string Mirror = """{"name":"M","mirror":{"name":"ORIGIN","external":{"api":"$JS.hub.API","deliver":"deliver.m"}}}""";
    private const string Source = """{"name":"S","sources":[{"name":"ORIGIN","external":{"api":"$JS.hub.API","deliver":"deliver.s"}}]}""";

    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(30);

    private static string HubConfig(int leafPort) => $$"""
        server_name: hub
        jetstream { domain: hub, store_dir: "{{Directory.CreateTempSubdirectory("natssharp-js-hub-").FullName}}" }
        leafnodes { listen: "127.0.0.1:{{leafPort}}" }
        """;

    private static string LeafConfig(int hubLeafPort) => $$"""
        server_name: leaf
        jetstream { domain: leaf, store_dir: "{{Directory.CreateTempSubdirectory("natssharp-js-leaf-").FullName}}" }
        leafnodes { remotes [ { url: "nats-leaf://127.0.0.1:{{hubLeafPort}}" } ] }
        """;

    [Fact]
    public async Task Mirror_and_source_across_domains_over_a_leafnode_as_nats_server()
    {
        List<string> theirs = await RunAsync(realHub: true, realLeaf: true);
        Assert.Contains("hub INFO from the leaf: domain=hub streams=1", theirs);
        Assert.Contains("M 10: foo.0 m10 <>", theirs);
        Assert.Equal(theirs, await RunAsync(realHub: false, realLeaf: false));
    }

    [Fact]
    public async Task Mixed_NatsSharp_and_nats_server_hub_and_leaf_copy_the_same()
    {
        List<string> theirs = await RunAsync(realHub: true, realLeaf: true);
        Assert.Equal(theirs, await RunAsync(realHub: true, realLeaf: false));
        Assert.Equal(theirs, await RunAsync(realHub: false, realLeaf: true));
    }

    private static async Task<List<string>> RunAsync(bool realHub, bool realLeaf)
    {
        int leafPort = FreePort.Next();
        (IAsyncDisposable hub, int hubPort) = await StartAsync(realHub, HubConfig(leafPort));
        await using (hub)
        {
            (IAsyncDisposable leaf, int leafClientPort) = await StartAsync(realLeaf, LeafConfig(leafPort));
            await using (leaf)
            {
                return await ScenarioAsync(hubPort, leafClientPort);
            }
        }
    }

    private static async Task<(IAsyncDisposable Server, int Port)> StartAsync(bool real, string config)
    {
        if (real)
        {
            RealNatsServer server = await ConfiguredServer.StartRealAsync(config);
            return (server, server.Port);
        }

        NatsServer ours = await ConfiguredServer.StartAsync(config);
        return (ours, ours.Port);
    }

    /// <summary>ORIGIN on the hub with messages before and after the leaf's mirror and source exist.</summary>
    private static async Task<List<string>> ScenarioAsync(int hubPort, int leafPort)
    {
        await using NatsConnection hub = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{hubPort}");
        await using NatsConnection leaf = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{leafPort}");
        await RequestOkAsync(hub, "$JS.API.STREAM.CREATE.ORIGIN", """{"name":"ORIGIN","subjects":["foo.*"]}""");

        // The leafnode is up once the hub's domain API answers on the leaf.
        string hubInfo = "";
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    hubInfo = await RequestAsync(leaf, "$JS.hub.API.INFO", "");
                    return true;
                }
                catch (NatsNoRespondersException)
                {
                    return false;
                }
            },
            "the hub's $JS.hub.API.INFO answered on the leaf",
            CopyTimeout);

        var lines = new List<string>
        {
            $"hub INFO from the leaf: domain={Field(hubInfo, "domain")} streams={Field(hubInfo, "streams")}",
        };
        string leafInfo = await RequestAsync(leaf, "$JS.API.INFO", "");
        lines.Add($"leaf INFO: domain={Field(leafInfo, "domain")} streams={Field(leafInfo, "streams")}");

        for (int i = 1; i <= 5; i++)
        {
            await RequestOkAsync(hub, $"foo.{i % 2}", $"m{i}");
        }

        await RequestOkAsync(leaf, "$JS.API.STREAM.CREATE.M", Mirror);
        await RequestOkAsync(leaf, "$JS.API.STREAM.CREATE.S", Source);
        for (int i = 6; i <= 10; i++)
        {
            await RequestOkAsync(hub, $"foo.{i % 2}", $"m{i}");
        }

        await WaitMessagesAsync(leaf, "M", 10);
        await WaitMessagesAsync(leaf, "S", 10);
        foreach (string stream in new[] { "M", "S" })
        {
            for (ulong seq = 1; seq <= 10; seq++)
            {
                lines.Add($"{stream} {seq}: {Describe(await GetMessageAsync(leaf, stream, seq))}");
            }

            string info = await RequestAsync(leaf, $"$JS.API.STREAM.INFO.{stream}", "");
            lines.Add($"{stream} info: lag={Field(info, stream == "M" ? "mirror" : "sources", "lag")} error={ErrorOf(info)} messages={Field(info, "state", "messages")} last={Field(info, "state", "last_seq")}");
        }

        // Nothing leaked into the hub: its own API still sees only ORIGIN.
        lines.Add($"hub streams: {Field(await RequestAsync(hub, "$JS.API.INFO", ""), "streams")}");
        return lines;
    }
}
