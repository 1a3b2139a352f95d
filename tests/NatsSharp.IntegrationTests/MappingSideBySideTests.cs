using Microsoft.Extensions.Logging.Abstractions;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Subject mappings (<c>mappings { }</c>) played against the real nats-server 2.9.10 and NatsSharp with
/// raw clients: every kind of destination, account mappings, weights (statistically) and reload.
/// </summary>
public class MappingSideBySideTests
{
    private const string Kinds = """
        mappings {
          "lit": "lit.dest"
          "one.*": "one.$1.x"
          "two.*.*": "two.{{wildcard(2)}}.{{ wildcard(1) }}"
          "tail.>": "t.>"
          "mix.*.>": "m.$1.>"
          "part.*.*": "p.{{partition(10,1,2)}}.$1.$2"
          "sfl.*": "{{splitFromLeft(1,2)}}"
          "sfr.*": "{{SplitFromRight(1,2)}}"
          "slf.*": "{{slicefromleft(1,3)}}"
          "slr.*": "{{sliceFromRight(1,3)}}"
          "spl.*": "{{split(1,-)}}"
          "keep": {destination: "keep.other", weight: 100%}
        }
        """;

    private static readonly string[] Published =
    [
        "lit", "one.a", "two.a.b", "tail.a.b.c", "mix.a.b.c", "part.a.b", "part.xyz.42", "part.k.0",
        "sfl.abcdef", "sfl.a", "sfr.abcdef", "slf.abcdefg", "slf.ab", "slr.abcdefg", "spl.-a--b-c-", "spl.abc",
        "keep", "none.mapped",
    ];

    [Fact]
    public async Task Each_kind_of_destination_maps_as_nats_server_does()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Kinds);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Kinds);

        List<string> expected = await MappedSubjects(real.Port, Published);
        Assert.Contains("two.b.a", expected);
        Assert.Contains("t.a.b.c", expected);
        Assert.Contains("abc.def.g", expected);
        Assert.Equal(expected, await MappedSubjects(ours.Port, Published));
    }

    [Fact]
    public async Task Account_mappings_apply_in_their_account_only()
    {
        const string config = """
            accounts {
              A: { users: [{user: a, password: a}], mappings: { "in.*": "out.$1" } }
              B: { users: [{user: b, password: b}] }
            }
            """;
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);

        string expected = await AccountScenario(real.Port);
        Assert.Equal("A: out.x | B: in.x", expected);
        Assert.Equal(expected, await AccountScenario(ours.Port));
    }

    /// <summary>
    /// 10,000 messages over weights of 30% / 50% with the source listed at 5% (so 15% is dropped): each count
    /// within 6 standard deviations of its binomial mean (a false failure has odds under 1 in 10^8).
    /// </summary>
    [Fact]
    public async Task Weighted_destinations_split_the_traffic_by_weight()
    {
        const string config = """
            mappings {
              "w": [
                {destination: "w.a", weight: 30%},
                {destination: "w.b", weight: 50},
                {destination: "w", weight: "5%"}
              ]
              "r.*": [{destination: "r.$1.x", weight: 40%}]
            }
            """;
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);

        foreach (int port in new[] { real.Port, ours.Port })
        {
            Dictionary<string, int> w = await Counts(port, "w", 10_000);
            AssertBinomial(w, "w.a", 10_000, 0.30);
            AssertBinomial(w, "w.b", 10_000, 0.50);
            AssertBinomial(w, "w", 10_000, 0.05);
            Assert.Equal(3, w.Count); // the other 15% go nowhere

            // Weights under 100 without the source listed: the rest stays on the original subject.
            Dictionary<string, int> r = await Counts(port, "r.q", 10_000);
            AssertBinomial(r, "r.q.x", 10_000, 0.40);
            Assert.Equal(10_000, r.Values.Sum());
        }
    }

    [Fact]
    public async Task Reload_replaces_the_mappings()
    {
        const string before = """mappings { "a": "a.one" }""";
        const string after = """mappings { "a": "a.two", "b.*": "b.$1.new" }""";

        string realPath = ConfiguredServer.WriteConfig(before);
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", realPath);
        string ourPath = ConfiguredServer.WriteConfig(before);
        ServerOptions options = Load(ourPath);
        var ours = new NatsServer(options, NullLoggerFactory.Instance);
        await ours.StartAsync();
        try
        {
            Assert.Equal(["a.one", "b.x"], await MappedSubjects(real.Port, ["a", "b.x"]));
            Assert.Equal(["a.one", "b.x"], await MappedSubjects(ours.Port, ["a", "b.x"]));

            await File.WriteAllTextAsync(realPath, after);
            real.Signal(1); // SIGHUP
            await File.WriteAllTextAsync(ourPath, after);
            ours.Reload(Load(ourPath));

            foreach (int port in new[] { real.Port, ours.Port })
            {
                await Eventually.ReachedAsync(
                    async () => (await MappedSubjects(port, ["a", "b.x"])).SequenceEqual(["a.two", "b.x.new"]),
                    TimeSpan.FromSeconds(10),
                    TimeSpan.FromMilliseconds(50));
            }
        }
        finally
        {
            await ours.StopAsync();
        }
    }

    private static ServerOptions Load(string path)
    {
        ServerOptions options = ConfigBinder.Load(path).Options;
        options.Host = "127.0.0.1";
        options.Port = ServerOptions.RandomPort;
        return options;
    }

    private static void AssertBinomial(Dictionary<string, int> counts, string subject, int n, double p)
    {
        double mean = n * p;
        double bound = 6 * Math.Sqrt(n * p * (1 - p));
        int got = counts.GetValueOrDefault(subject);
        Assert.True(Math.Abs(got - mean) <= bound, $"{subject}: {got} messages, expected {mean} ± {bound:F0}");
    }

    /// <summary>Publishes each subject once; returns the subject each arrived on (a marker proves nothing more came).</summary>
    private static async Task<List<string>> MappedSubjects(int port, IEnumerable<string> subjects)
    {
        await using RawClient c = await RawClient.ConnectedAsync(port);
        await c.SendAsync("SUB > 1\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        string pubs = string.Concat(subjects.Select((s, i) => $"PUB {s} {i.ToString().Length}\r\n{i}\r\n"));
        await c.SendAsync(pubs + "PUB marker 3\r\nend\r\n");
        var got = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            string line = await c.ReadLineSkippingPingsAsync();
            string payload = await c.ReadLineAsync();
            if (payload == "end")
            {
                return got;
            }

            got.Add(line.Split(' ')[1]);
        }

        throw new InvalidOperationException("marker not seen");
    }

    private static async Task<Dictionary<string, int>> Counts(int port, string subject, int n)
    {
        await using RawClient c = await RawClient.ConnectedAsync(port);
        await c.SendAsync("SUB > 1\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        var pubs = new System.Text.StringBuilder();
        for (int i = 0; i < n; i++)
        {
            pubs.Append("PUB ").Append(subject).Append(" 0\r\n\r\n");
        }

        await c.SendAsync(pubs + "PUB marker 3\r\nend\r\n");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i <= n; i++)
        {
            string[] line = (await c.ReadLineSkippingPingsAsync()).Split(' ');
            string payload = await c.ReadLineAsync();
            if (payload == "end")
            {
                return counts;
            }

            counts[line[1]] = counts.GetValueOrDefault(line[1]) + 1;
        }

        throw new InvalidOperationException("marker not seen");
    }

    private static async Task<string> AccountScenario(int port)
    {
        var parts = new List<string>();
        foreach (string user in new[] { "a", "b" })
        {
            await using RawClient c = await RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"user\":\"{user}\",\"pass\":\"{user}\"}}");
            await c.SendAsync("SUB > 1\r\nPING\r\n");
            await c.ExpectAsync("PONG");
            await c.SendAsync("PUB in.x 0\r\n\r\nPING\r\n");
            string line = await c.ReadLineSkippingPingsAsync();
            await c.ReadLineAsync();
            await c.ExpectAsync("PONG");
            parts.Add($"{user.ToUpperInvariant()}: {line.Split(' ')[1]}");
        }

        return string.Join(" | ", parts);
    }
}
