using System.Globalization;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Configuration;

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

    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(30);

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

    private static string Describe(JsonElement m)
    {
        string header = m.TryGetProperty("hdrs", out JsonElement h) ? Encoding.UTF8.GetString(h.GetBytesFromBase64()) : "";
        string source = header.Contains("Nats-Stream-Source: ", StringComparison.Ordinal) ? header.Split("Nats-Stream-Source: ")[1].Split("\r\n")[0] : "";
        return $"{m.GetProperty("subject").GetString()} {Encoding.UTF8.GetString(m.GetProperty("data").GetBytesFromBase64())} <{source}>";
    }

    private static async Task WaitMessagesAsync(NatsConnection c, string stream, int count) =>
        await Eventually.TrueAsync(async () => Field(await RequestAsync(c, $"$JS.API.STREAM.INFO.{stream}", ""), "state", "messages") == count.ToString(CultureInfo.InvariantCulture),
            $"stream {stream} holding {count} messages", CopyTimeout);

    private static async Task<JsonElement> GetMessageAsync(NatsConnection c, string stream, ulong seq)
    {
        string got = await RequestAsync(c, $"$JS.API.STREAM.MSG.GET.{stream}", $$"""{"seq":{{seq}}}""");
        using JsonDocument doc = JsonDocument.Parse(got);
        Assert.True(doc.RootElement.TryGetProperty("message", out JsonElement m), $"{stream} seq {seq}: {got}");
        return m.Clone();
    }

    private static async Task RequestOkAsync(NatsConnection c, string subject, string body)
    {
        string answer = await RequestAsync(c, subject, body);
        Assert.True(ErrorOf(answer) == "", $"{subject} {body}: {answer}");
    }

    private static async Task<string> RequestAsync(NatsConnection c, string subject, string body)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body),
            replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        return Encoding.UTF8.GetString(reply.Data ?? []);
    }

    private static string ErrorOf(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        if (root.TryGetProperty("error", out JsonElement e))
        {
            return $"{e.GetProperty("code").GetInt32()} {e.GetProperty("err_code").GetInt32()} {e.GetProperty("description").GetString()}";
        }

        // A mirror's or source's own error.
        foreach (string entry in new[] { "mirror", "sources" })
        {
            if (root.TryGetProperty(entry, out JsonElement s) && s.ToString().Contains("\"error\"", StringComparison.Ordinal))
            {
                return s.ToString();
            }
        }

        return "";
    }

    /// <summary>A nested value as normalized JSON text ("" when absent); an array's first element is looked into.</summary>
    private static string Field(string json, params string[] path)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement e = doc.RootElement;
        foreach (string p in path)
        {
            if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0)
            {
                e = e[0];
            }

            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return "";
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : JsonSerializer.Serialize(e);
    }
}
