using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Mirrors, sources and republish, played against nats-server 2.9.10 (-js) and NatsSharp: the same
/// validation errors, the same messages copied (sequences, subjects, headers, Nats-Stream-Source),
/// the same mirror/sources info, the same republished headers; and a NatsSharp restart on the same
/// store resumes sourcing without duplicates or gaps.
/// </summary>
public sealed class JetStreamMirrorTests
{
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Mirror_source_and_republish_validation_matches_nats_server()
    {
        (string Subject, string Body)[] steps =
        [
            ("$JS.API.STREAM.CREATE.O", """{"name":"O","subjects":["o.>"],"max_msg_size":1000,"allow_direct":true}"""),
            ("$JS.API.STREAM.CREATE.M1", """{"name":"M1","subjects":["x"],"mirror":{"name":"O"}}"""),
            ("$JS.API.STREAM.CREATE.M2", """{"name":"M2","mirror":{"name":"O"},"sources":[{"name":"O"}]}"""),
            ("$JS.API.STREAM.CREATE.M3", """{"name":"M3","mirror":{"name":"M3"}}"""),
            ("$JS.API.STREAM.CREATE.M4", """{"name":"M4","mirror":{"name":"O"},"max_msg_size":10}"""),
            ("$JS.API.STREAM.CREATE.M5", """{"name":"M5","mirror":{"name":"O","filter_subject":"zz"}}"""),
            ("$JS.API.STREAM.CREATE.M6", """{"name":"M6","mirror":{"name":"O","external":{"api":"$JS.API","deliver":"dx"}}}"""),
            ("$JS.API.STREAM.CREATE.M7", """{"name":"M7","mirror":{"name":"O","external":{"api":"a.*","deliver":""}}}"""),
            ("$JS.API.STREAM.CREATE.M8", """{"name":"M8","mirror":{"name":"O","external":{"api":"","deliver":"d.*"}}}"""),
            ("$JS.API.STREAM.CREATE.M9", """{"name":"M9","mirror":{"name":"O"},"mirror_direct":true}"""),
            ("$JS.API.STREAM.CREATE.M10", """{"name":"M10","mirror_direct":true}"""),
            ("$JS.API.STREAM.CREATE.S1", """{"name":"S1","sources":[{"name":"S1"}]}"""),
            ("$JS.API.STREAM.CREATE.S2", """{"name":"S2","sources":[{"name":"O"}],"max_msg_size":10}"""),
            ("$JS.API.STREAM.CREATE.S3", """{"name":"S3","sources":[{"name":"O","filter_subject":"q"}]}"""),
            ("$JS.API.STREAM.CREATE.S4", """{"name":"S4","sources":[{"name":"O"}],"subjects":["s4"]}"""),
            ("$JS.API.STREAM.CREATE.S5", """{"name":"S5","sources":[{"name":"S4"}]}"""),
            ("$JS.API.STREAM.UPDATE.S4", """{"name":"S4","sources":[{"name":"O"},{"name":"S5"}],"subjects":["s4"]}"""),
            ("$JS.API.STREAM.UPDATE.M9", """{"name":"M9","mirror":{"name":"S4"}}"""),
            ("$JS.API.STREAM.UPDATE.M9", """{"name":"M9","mirror":{"name":"O"}}"""),
            ("$JS.API.STREAM.CREATE.R1", """{"name":"R1","subjects":["r.>"],"republish":{"src":"q.>","dest":"rp.>"}}"""),
            ("$JS.API.STREAM.CREATE.R2", """{"name":"R2","subjects":["r.>"],"republish":{"dest":"r.x.>"}}"""),
            ("$JS.API.STREAM.CREATE.R3", """{"name":"R3","subjects":["r.>"],"republish":{"src":"r.*","dest":"rp.*"}}"""),
            ("$JS.API.STREAM.CREATE.R4", """{"name":"R4","subjects":["r.>"],"republish":{"dest":"rp.>"}}"""),
            ("$JS.API.STREAM.CREATE.R5", """{"name":"R5","subjects":["r5.*"],"republish":{"src":"r5.*","dest":"rp5.$1"}}"""),
            ("$JS.API.STREAM.UPDATE.R4", """{"name":"R4","subjects":["r.>"],"republish":{"dest":"rp2.>"}}"""),
            ("$JS.API.STREAM.UPDATE.R4", """{"name":"R4","subjects":["r.>"]}"""),
            ("$JS.API.STREAM.CREATE.R6", """{"name":"R6","mirror":{"name":"O"},"republish":{"dest":"rp6.>"}}"""),
            ("$JS.API.CONSUMER.CREATE.M9", """{"stream_name":"M9","config":{"ack_policy":"explicit","filter_subject":"o.a"}}"""),
            ("$JS.API.CONSUMER.CREATE.M9", """{"stream_name":"M9","config":{"ack_policy":"explicit","filter_subject":"zz"}}"""),
        ];

        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        await using NatsConnection theirs = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{real.Port}");
        await using NatsConnection mine = await NatsNetClient.ConnectAsync(ours.Url);
        foreach ((string subject, string body) in steps)
        {
            string a = await RequestAsync(theirs, subject, body);
            string b = await RequestAsync(mine, subject, body);
            string what = $"{subject} {body}\nnats-server: {a}\nours: {b}";
            Assert.True(ErrorOf(a) == ErrorOf(b), what);
            JsonShape.AssertSame(what, a, b, new HashSet<string>(), "state.subjects");
            Assert.True(Field(a, "config", "mirror_direct") == Field(b, "config", "mirror_direct"), what);
            Assert.True(Field(a, "config", "republish") == Field(b, "config", "republish"), what);
            Assert.True(Field(a, "config", "subjects") == Field(b, "config", "subjects"), what);
        }
    }

    [Fact]
    public async Task Mirror_and_sources_copy_messages_as_nats_server_does()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await CopyScenarioAsync($"nats://127.0.0.1:{real.Port}");
        List<string> mine = await CopyScenarioAsync(ours.Url);
        Assert.Equal(theirs.Count, mine.Count);
        for (int i = 0; i < theirs.Count; i++)
        {
            Assert.True(theirs[i] == mine[i], $"line {i}\nnats-server: {theirs[i]}\nours:        {mine[i]}\n\nnats-server:\n{string.Join("\n", theirs)}\n\nours:\n{string.Join("\n", mine)}");
        }
    }

    [Fact]
    public async Task Republished_messages_match_nats_server()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await RepublishScenarioAsync($"nats://127.0.0.1:{real.Port}");
        List<string> mine = await RepublishScenarioAsync(ours.Url);
        Assert.Equal(theirs, mine);
    }

    [Fact]
    public async Task Sources_and_mirror_resume_after_a_restart_without_duplicates_or_gaps()
    {
        string storeDir = Directory.CreateTempSubdirectory("natssharp-js-mirror-").FullName;
        await using (TestServer first = await JetStreamFixture.StartAsync(o => o.JetStream!.StoreDir = storeDir))
        {
            await using NatsConnection c = await NatsNetClient.ConnectAsync(first.Url);
            await RequestOkAsync(c, "$JS.API.STREAM.CREATE.O", """{"name":"O","subjects":["o.>"]}""");
            await RequestOkAsync(c, "$JS.API.STREAM.CREATE.M", """{"name":"M","mirror":{"name":"O"}}""");
            await RequestOkAsync(c, "$JS.API.STREAM.CREATE.S", """{"name":"S","subjects":["s"],"sources":[{"name":"O","filter_subject":"o.a"}]}""");
            for (int i = 1; i <= 10; i++)
            {
                await RequestOkAsync(c, i % 2 == 1 ? "o.a" : "o.b", $"m{i}");
            }

            await WaitMessagesAsync(c, "M", 10);
            await WaitMessagesAsync(c, "S", 5);
        }

        await using TestServer second = await JetStreamFixture.StartAsync(o => o.JetStream!.StoreDir = storeDir);
        await using NatsConnection c2 = await NatsNetClient.ConnectAsync(second.Url);
        await RequestOkAsync(c2, "s", "own");
        for (int i = 11; i <= 20; i++)
        {
            await RequestOkAsync(c2, i % 2 == 1 ? "o.a" : "o.b", $"m{i}");
        }

        await WaitMessagesAsync(c2, "M", 20);
        await WaitMessagesAsync(c2, "S", 11);

        // The mirror: origin sequences 1..20 under the same numbers.
        for (ulong seq = 1; seq <= 20; seq++)
        {
            JsonElement m = await GetMessageAsync(c2, "M", seq);
            Assert.Equal($"m{seq}", Encoding.UTF8.GetString(m.GetProperty("data").GetBytesFromBase64()));
        }

        // The source: o.a of origin 1,3,..,19 once each, in order, with our own publish between them.
        var sourced = new List<string>();
        for (ulong seq = 1; seq <= 11; seq++)
        {
            JsonElement m = await GetMessageAsync(c2, "S", seq);
            string data = Encoding.UTF8.GetString(m.GetProperty("data").GetBytesFromBase64());
            string header = m.TryGetProperty("hdrs", out JsonElement h) ? Encoding.UTF8.GetString(h.GetBytesFromBase64()) : "";
            sourced.Add(header.Contains("Nats-Stream-Source: ", StringComparison.Ordinal) ? $"{data}<{header.Split("Nats-Stream-Source: ")[1].Split("\r\n")[0]}>" : data);
        }

        Assert.Equal(["m1<O 1>", "m3<O 3>", "m5<O 5>", "m7<O 7>", "m9<O 9>", "own", "m11<O 11>", "m13<O 13>", "m15<O 15>", "m17<O 17>", "m19<O 19>"], sourced);
    }

    [Fact]
    public async Task Kv_mirror_bucket_of_natsnet_reads_as_on_nats_server()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await KvMirrorScenarioAsync($"nats://127.0.0.1:{real.Port}");
        List<string> mine = await KvMirrorScenarioAsync(ours.Url);
        Assert.Equal(theirs, mine);
    }

    /// <summary>Origin O, a mirror, a filtered source with its own subject, a source by start sequence, a mirror of a missing stream: what each holds.</summary>
    private static async Task<List<string>> CopyScenarioAsync(string url)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var lines = new List<string>();
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.O", """{"name":"O","subjects":["o.>"],"storage":"memory"}""");
        await RequestOkAsync(c, "o.a", "one");
        await RequestOkAsync(c, "o.b", "two", new NatsHeaders { ["X-Trace"] = "t2" });
        await RequestOkAsync(c, "o.a", "three");
        await RequestOkAsync(c, "$JS.API.STREAM.MSG.DELETE.O", """{"seq":2}""");
        await RequestOkAsync(c, "o.c", "four");
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.M", """{"name":"M","mirror":{"name":"O"}}""");
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.MF", """{"name":"MF","mirror":{"name":"O","filter_subject":"o.c"}}""");
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.S", """{"name":"S","subjects":["s.>"],"sources":[{"name":"O","filter_subject":"o.a"}]}""");
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.SS", """{"name":"SS","sources":[{"name":"O","opt_start_seq":3}]}""");
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.SP", """{"name":"SP","sources":[{"name":"S"}]}""");
        await RequestAsync(c, "$JS.API.STREAM.CREATE.SD", """{"name":"SD","sources":[{"name":"O"},{"name":"S"}]}"""); // a diamond: refused as a cycle
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.X", """{"name":"X","mirror":{"name":"NOPE"}}""");
        await RequestOkAsync(c, "s.own", "mine", new NatsHeaders { ["Nats-Stream-Source"] = "FAKE 9" });
        await RequestOkAsync(c, "o.a", "five");

        foreach ((string stream, int count) in new[] { ("M", 4), ("MF", 1), ("S", 4), ("SS", 3), ("SP", 4) })
        {
            await WaitMessagesAsync(c, stream, count);
        }

        await Eventually.TrueAsync(async () => Field(await RequestAsync(c, "$JS.API.STREAM.INFO.X", ""), "mirror", "error") != "", "the missing origin reported", CopyTimeout);
        foreach (string stream in new[] { "M", "MF", "S", "SS", "SP", "X" })
        {
            string info = await RequestAsync(c, $"$JS.API.STREAM.INFO.{stream}", "");
            using JsonDocument doc = JsonDocument.Parse(info);
            JsonElement state = doc.RootElement.GetProperty("state");
            lines.Add($"{stream}: messages={state.GetProperty("messages")} first={state.GetProperty("first_seq")} last={state.GetProperty("last_seq")} deleted={(state.TryGetProperty("num_deleted", out JsonElement d) ? d.ToString() : "0")}");
            foreach (string key in new[] { "mirror", "sources" })
            {
                if (!doc.RootElement.TryGetProperty(key, out JsonElement si))
                {
                    continue;
                }

                foreach (JsonElement e in si.ValueKind == JsonValueKind.Array ? si.EnumerateArray().OrderBy(x => x.GetProperty("name").GetString()).ToArray() : [si])
                {
                    long active = e.GetProperty("active").GetInt64();
                    lines.Add($"  {key}: name={e.GetProperty("name")} lag={e.GetProperty("lag")} active={(active < 0 ? "-1" : "heard")} error={(e.TryGetProperty("error", out JsonElement err) ? err.GetRawText() : "")}");
                }
            }

            ulong last = state.GetProperty("last_seq").GetUInt64();
            for (ulong seq = 1; seq <= last; seq++)
            {
                string got = await RequestAsync(c, $"$JS.API.STREAM.MSG.GET.{stream}", $$"""{"seq":{{seq}}}""");
                using JsonDocument m = JsonDocument.Parse(got);
                if (m.RootElement.TryGetProperty("error", out JsonElement err))
                {
                    lines.Add($"  {seq}: {err.GetProperty("description")}");
                    continue;
                }

                JsonElement msg = m.RootElement.GetProperty("message");
                string hdrs = msg.TryGetProperty("hdrs", out JsonElement h) ? Encoding.UTF8.GetString(h.GetBytesFromBase64()).Replace("\r\n", "|", StringComparison.Ordinal) : "";
                string data = msg.TryGetProperty("data", out JsonElement dt) ? Encoding.UTF8.GetString(dt.GetBytesFromBase64()) : "";
                lines.Add($"  {seq}: {msg.GetProperty("subject")} {data} [{hdrs}]");
            }
        }

        // A mirror keeps the origin's timestamps.
        string originTime = Field(await RequestAsync(c, "$JS.API.STREAM.MSG.GET.O", """{"seq":3}"""), "message", "time");
        string mirrorTime = Field(await RequestAsync(c, "$JS.API.STREAM.MSG.GET.M", """{"seq":3}"""), "message", "time");
        lines.Add($"mirror keeps time: {originTime == mirrorTime}");
        return lines;
    }

    /// <summary>What a subscriber on the republish destinations receives: subject, headers, payload.</summary>
    private static async Task<List<string>> RepublishScenarioAsync(string url)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.R5", """{"name":"R5","subjects":["r5.*"],"republish":{"src":"r5.*","dest":"rp5.$1"}}""");
        await RequestOkAsync(c, "$JS.API.STREAM.CREATE.R6", """{"name":"R6","subjects":["r6.>"],"republish":{"dest":"rp6.>","headers_only":true}}""");
        await using INatsSub<byte[]> sub = await c.SubscribeCoreAsync<byte[]>("rp5.>");
        await using INatsSub<byte[]> sub6 = await c.SubscribeCoreAsync<byte[]>("rp6.>");
        await c.PingAsync();
        var lines = new List<string>();
        await RequestOkAsync(c, "r5.a", "hello");
        lines.Add(Describe(await NatsNetClient.NextAsync(sub)));
        await RequestOkAsync(c, "r5.a", "again", new NatsHeaders { ["X-A"] = "1" });
        lines.Add(Describe(await NatsNetClient.NextAsync(sub)));
        await RequestOkAsync(c, "r5.b", "other");
        lines.Add(Describe(await NatsNetClient.NextAsync(sub)));
        await RequestOkAsync(c, "r6.x.y", "payload-of-11");
        lines.Add(Describe(await NatsNetClient.NextAsync(sub6)));
        await RequestOkAsync(c, "r6.x.y", "second", new NatsHeaders { ["X-B"] = "2" });
        lines.Add(Describe(await NatsNetClient.NextAsync(sub6)));
        return lines;
    }

    /// <summary>NATS.Net's KV: a bucket, a mirror bucket of it, and what the mirror's get, keys and history say.</summary>
    private static async Task<List<string>> KvMirrorScenarioAsync(string url)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var js = new NatsJSContext(c);
        var kv = new NatsKVContext(js);
        INatsKVStore origin = await kv.CreateStoreAsync(new NatsKVConfig("orig") { History = 5 });
        await origin.PutAsync("k1", "v1");
        await origin.PutAsync("k2", "v2");
        await origin.PutAsync("k1", "v1b");
        await origin.DeleteAsync("k2");
        INatsKVStore mirror = await kv.CreateStoreAsync(new NatsKVConfig("mir") { History = 5, Mirror = new StreamSource { Name = "KV_orig" } });
        await WaitMessagesAsync(c, "KV_mir", 4);
        var lines = new List<string>();

        // NATS.Net 3.3.2 reads a mirror bucket under its own name ($KV.mir.*); nats-server answers that as it does.
        foreach (string key in new[] { "k1", "k2" })
        {
            try
            {
                NatsKVEntry<string> e = await mirror.GetEntryAsync<string>(key);
                lines.Add($"get {key}: {e.Value} rev={e.Revision} op={e.Operation}");
            }
            catch (NatsKVException ex)
            {
                lines.Add($"get {key}: {ex.GetType().Name}");
            }
        }

        // The mirror's copies, read as a client reads a KV mirror by its origin's subjects.
        INatsJSStream stream = await js.GetStreamAsync("KV_mir");
        foreach (string key in new[] { "k1", "k2" })
        {
            StreamMsgGetResponse got = await stream.GetAsync(new StreamMsgGetRequest { LastBySubj = $"$KV.orig.{key}" });
            string data = Encoding.UTF8.GetString(got.Message.Data.Span);
            string hdrs = got.Message.Hdrs is { Length: > 0 } h64 ? Encoding.UTF8.GetString(Convert.FromBase64String(h64)).Replace("\r\n", "|", StringComparison.Ordinal) : "";
            lines.Add($"last {key}: seq={got.Message.Seq} {data} [{hdrs}]");
        }

        await stream.RefreshAsync();
        lines.Add($"mirror: {stream.Info.Mirror?.Name} lag={stream.Info.Mirror?.Lag} subjects={stream.Info.Config.Subjects?.Count ?? 0} rollup={stream.Info.Config.AllowRollupHdrs} direct={stream.Info.Config.AllowDirect}/{stream.Info.Config.MirrorDirect}");
        return lines;
    }

    private static string Describe(NatsMsg<byte[]> m)
    {
        string headers = m.Headers is null ? "" : string.Join("|", m.Headers.Select(h => $"{h.Key}: {h.Value}"));
        return $"{m.Subject} [{headers}] {Encoding.UTF8.GetString(m.Data ?? [])}";
    }

    private static async Task WaitMessagesAsync(NatsConnection c, string stream, int count) =>
        await Eventually.TrueAsync(async () => Field(await RequestAsync(c, $"$JS.API.STREAM.INFO.{stream}", ""), "state", "messages") == count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"stream {stream} holding {count} messages", CopyTimeout);

    private static async Task<JsonElement> GetMessageAsync(NatsConnection c, string stream, ulong seq)
    {
        string got = await RequestAsync(c, $"$JS.API.STREAM.MSG.GET.{stream}", $$"""{"seq":{{seq}}}""");
        using JsonDocument doc = JsonDocument.Parse(got);
        Assert.True(doc.RootElement.TryGetProperty("message", out JsonElement m), $"{stream} seq {seq}: {got}");
        return m.Clone();
    }

    private static async Task RequestOkAsync(NatsConnection c, string subject, string body, NatsHeaders? headers = null)
    {
        string answer = await RequestAsync(c, subject, body, headers);
        Assert.True(ErrorOf(answer) == "", $"{subject} {body}: {answer}");
    }

    private static async Task<string> RequestAsync(NatsConnection c, string subject, string body, NatsHeaders? headers = null)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), headers,
            replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        return Encoding.UTF8.GetString(reply.Data ?? []);
    }

    private static string ErrorOf(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("error", out JsonElement e)
            ? $"{e.GetProperty("code").GetInt32()} {e.GetProperty("err_code").GetInt32()} {e.GetProperty("description").GetString()}"
            : "";
    }

    /// <summary>A nested value as normalized JSON text ("" when absent), so "\u003e" and "\u003E" compare equal.</summary>
    private static string Field(string json, params string[] path)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement e = doc.RootElement;
        foreach (string p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return "";
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString()! : JsonSerializer.Serialize(e);
    }
}
