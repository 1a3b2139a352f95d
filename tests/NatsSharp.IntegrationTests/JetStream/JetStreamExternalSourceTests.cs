using System.Globalization;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Configuration;

using static NatsSharp.IntegrationTests.JetStream.SourceCopyApi;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Mirrors and sources with <c>external</c>: account B reads account A's stream through A's
/// <c>$JS.API.CONSUMER.&gt;</c> imported under <c>JS.A.API</c> and A's deliver subjects imported as a
/// stream (nats-server's cross-account setup). The same config on nats-server -js and NatsSharp copies
/// the same messages with the same STREAM.INFO; a NatsSharp restart resumes without gaps or duplicates.
/// </summary>
public sealed class JetStreamExternalSourceTests
{
    private const string Accounts = """
        accounts {
          A {
            jetstream: enabled
            users = [ { user: a, password: a } ]
            exports [
              { service: "$JS.API.CONSUMER.>" }
              { stream: "deliver.B.>" }
              { service: "$JS.FC.>" }
            ]
          }
          B {
            jetstream: enabled
            users = [ { user: b, password: b } ]
            imports [
              { service: { account: A, subject: "$JS.API.CONSUMER.>" }, to: "JS.A.API.CONSUMER.>" }
              { stream: { account: A, subject: "deliver.B.>" } }
              { service: { account: A, subject: "$JS.FC.>" } }
            ]
          }
        }
        """;

    private const string Mirror = """{"name":"M","mirror":{"name":"ORIGIN","external":{"api":"JS.A.API","deliver":"deliver.B.m"}}}""";
    private const string Source = """{"name":"S","subjects":["s"],"sources":[{"name":"ORIGIN","filter_subject":"foo.1","external":{"api":"JS.A.API","deliver":"deliver.B.s"}}]}""";

    [Fact]
    public async Task External_mirror_and_source_copy_as_nats_server_does()
    {
        await using JetStreamAccountsPair pair = await JetStreamAccountsPair.StartAsync("natssharp-js-ext-", Accounts);
        (List<string> theirs, Dictionary<string, string> theirInfo) = await ScenarioAsync(pair.Real.Port);
        (List<string> mine, Dictionary<string, string> myInfo) = await ScenarioAsync(pair.Ours.Port);
        Assert.Equal(theirs, mine);
        foreach ((string what, string body) in theirInfo)
        {
            JsonShape.AssertSame(what, body, myInfo[what], new HashSet<string>());
        }
    }

    [Fact]
    public async Task External_mirror_and_source_resume_after_a_restart_without_duplicates_or_gaps()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-js-ext-restart-").FullName;
        string conf = Path.Combine(dir, "accounts.conf");
        await File.WriteAllTextAsync(conf, Accounts);
        Server.ServerOptions loaded = ConfigBinder.Load(conf).Options;
        void Configure(Server.ServerOptions o)
        {
            o.Accounts = loaded.Accounts;
            o.JetStream = new Server.JetStream.JetStreamOptions { StoreDir = Path.Combine(dir, "store") };
        }

        await using (TestServer first = await TestServer.StartAsync(Configure))
        {
            await using NatsConnection a = await ConnectAsync(first.Port, "a");
            await using NatsConnection b = await ConnectAsync(first.Port, "b");
            await RequestOkAsync(a, "$JS.API.STREAM.CREATE.ORIGIN", """{"name":"ORIGIN","subjects":["foo.*"]}""");
            await RequestOkAsync(b, "$JS.API.STREAM.CREATE.M", Mirror);
            await RequestOkAsync(b, "$JS.API.STREAM.CREATE.S", Source);
            for (int i = 1; i <= 10; i++)
            {
                await RequestOkAsync(a, i % 2 == 1 ? "foo.1" : "foo.2", $"m{i}");
            }

            await WaitMessagesAsync(b, "M", 10);
            await WaitMessagesAsync(b, "S", 5);
        }

        await using TestServer second = await TestServer.StartAsync(Configure);
        await using NatsConnection a2 = await ConnectAsync(second.Port, "a");
        await using NatsConnection b2 = await ConnectAsync(second.Port, "b");
        await RequestOkAsync(b2, "s", "own");
        for (int i = 11; i <= 20; i++)
        {
            await RequestOkAsync(a2, i % 2 == 1 ? "foo.1" : "foo.2", $"m{i}");
        }

        await WaitMessagesAsync(b2, "M", 20);
        await WaitMessagesAsync(b2, "S", 11);

        for (ulong seq = 1; seq <= 20; seq++)
        {
            JsonElement m = await GetMessageAsync(b2, "M", seq);
            Assert.Equal($"m{seq}", Encoding.UTF8.GetString(m.GetProperty("data").GetBytesFromBase64()));
        }

        var sourced = new List<string>();
        for (ulong seq = 1; seq <= 11; seq++)
        {
            sourced.Add(Describe(await GetMessageAsync(b2, "S", seq)));
        }

        // The source's index name is the origin's plus the hash of the API prefix, as nats-server writes it.
        Assert.Equal(
            ["foo.1 m1 <ORIGIN:3V17LQ3b 1>", "foo.1 m3 <ORIGIN:3V17LQ3b 3>", "foo.1 m5 <ORIGIN:3V17LQ3b 5>", "foo.1 m7 <ORIGIN:3V17LQ3b 7>", "foo.1 m9 <ORIGIN:3V17LQ3b 9>", "s own <>",
             "foo.1 m11 <ORIGIN:3V17LQ3b 11>", "foo.1 m13 <ORIGIN:3V17LQ3b 13>", "foo.1 m15 <ORIGIN:3V17LQ3b 15>", "foo.1 m17 <ORIGIN:3V17LQ3b 17>", "foo.1 m19 <ORIGIN:3V17LQ3b 19>"],
            sourced);
    }

    /// <summary>Origin in A with messages before and after B's mirror and filtered source exist: what each holds and shows.</summary>
    private static async Task<(List<string> Lines, Dictionary<string, string> Infos)> ScenarioAsync(int port)
    {
        await using NatsConnection a = await ConnectAsync(port, "a");
        await using NatsConnection b = await ConnectAsync(port, "b");
        await RequestOkAsync(a, "$JS.API.STREAM.CREATE.ORIGIN", """{"name":"ORIGIN","subjects":["foo.*"]}""");
        for (int i = 0; i < 5; i++)
        {
            await RequestOkAsync(a, $"foo.{i}", $"first{i}");
        }

        await RequestOkAsync(b, "$JS.API.STREAM.CREATE.M", Mirror);
        await RequestOkAsync(b, "$JS.API.STREAM.CREATE.S", Source);
        await WaitMessagesAsync(b, "M", 5);
        await WaitMessagesAsync(b, "S", 1);
        for (int i = 0; i < 3; i++)
        {
            await RequestOkAsync(a, $"foo.{i}", $"then{i}");
        }

        await WaitMessagesAsync(b, "M", 8);
        await WaitMessagesAsync(b, "S", 2);

        var lines = new List<string>();
        for (ulong seq = 1; seq <= 8; seq++)
        {
            lines.Add($"M {seq}: {Describe(await GetMessageAsync(b, "M", seq))}");
        }

        for (ulong seq = 1; seq <= 2; seq++)
        {
            lines.Add($"S {seq}: {Describe(await GetMessageAsync(b, "S", seq))}");
        }

        // The origin's consumers are "direct": not listed, not counted in its state.
        string names = await RequestAsync(a, "$JS.API.CONSUMER.NAMES.ORIGIN", "");
        lines.Add($"origin consumers: {Field(names, "total")} {Field(await RequestAsync(a, "$JS.API.STREAM.INFO.ORIGIN", ""), "state", "consumer_count")}");

        var infos = new Dictionary<string, string>();
        foreach (string stream in new[] { "M", "S" })
        {
            // Caught up: lag 0 and no error on both (active is a time, compared by shape only).
            string info = await RequestAsync(b, $"$JS.API.STREAM.INFO.{stream}", "");
            string entry = stream == "M" ? Field(info, "mirror") : Field(info, "sources");
            lines.Add($"{stream} info: lag={Field(info, stream == "M" ? "mirror" : "sources", "lag")} error={ErrorOf(info)} external={entry.Contains("\"external\":{\"api\":\"JS.A.API\"", StringComparison.Ordinal)} messages={Field(info, "state", "messages")} last={Field(info, "state", "last_seq")}");
            infos[$"STREAM.INFO.{stream}"] = info;
        }

        return (lines, infos);
    }

    private static Task<NatsConnection> ConnectAsync(int port, string user) =>
        NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}", o => o with { AuthOpts = new NatsAuthOpts { Username = user, Password = user } });
}
