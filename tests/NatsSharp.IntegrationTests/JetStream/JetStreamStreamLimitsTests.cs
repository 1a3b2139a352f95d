using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// A stream's own limits against nats-server 2.9.10: the account reservation re-checked on STREAM.UPDATE,
/// the per-stream max_bytes limits of the account, and discard new refusing a publish at max_bytes /
/// max_msgs (memory and file store): every answer the same.
/// </summary>
public sealed class JetStreamStreamLimitsTests
{
    private const string Accounts = """
        accounts {
          A { jetstream { max_mem: 100K, max_file: 1M, max_streams: 10 }, users [{user: a, password: a}] }
          B { jetstream { max_mem: 1M, max_file: 1M, max_bytes_required: true, mem_max_stream_bytes: 1000 }, users [{user: b, password: b}] }
        }
        """;

    [Fact]
    public async Task Stream_update_rechecks_limits_as_nats_server_does()
    {
        (string User, string Subject, string Body)[] steps =
        [
            ("a", "$JS.API.STREAM.CREATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":40000}"""),
            ("a", "$JS.API.STREAM.CREATE.S2", """{"name":"S2","subjects":["s2"],"storage":"memory","max_bytes":40000}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":70000}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":62000}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":62500}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":30000}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory"}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":62400}"""),
            ("a", "$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["s1"],"storage":"memory","max_bytes":62401}"""),
            ("a", "$JS.API.STREAM.CREATE.S3", """{"name":"S3","subjects":["s3"],"storage":"memory"}"""),
            ("a", "$JS.API.STREAM.UPDATE.S2", """{"name":"S2","subjects":["s2"],"storage":"memory","max_bytes":40001}"""),
            ("a", "$JS.API.STREAM.CREATE.F1", """{"name":"F1","subjects":["f1"],"storage":"file","max_bytes":500000}"""),
            ("a", "$JS.API.STREAM.UPDATE.F1", """{"name":"F1","subjects":["f1"],"storage":"file","max_bytes":2000000}"""),
            ("a", "$JS.API.STREAM.UPDATE.F1", """{"name":"F1","subjects":["f1"],"storage":"file","max_bytes":1048576}"""),
            ("a", "$JS.API.STREAM.UPDATE.F1", """{"name":"F1","subjects":["f1"],"storage":"file","max_bytes":1048577}"""),
            ("b", "$JS.API.STREAM.CREATE.B1", """{"name":"B1","subjects":["b1"],"storage":"memory","max_bytes":2000}"""),
            ("b", "$JS.API.STREAM.CREATE.B1", """{"name":"B1","subjects":["b1"],"storage":"memory"}"""),
            ("b", "$JS.API.STREAM.CREATE.B1", """{"name":"B1","subjects":["b1"],"storage":"memory","max_bytes":500}"""),
            ("b", "$JS.API.STREAM.UPDATE.B1", """{"name":"B1","subjects":["b1"],"storage":"memory","max_bytes":2000}"""),
            ("b", "$JS.API.STREAM.UPDATE.B1", """{"name":"B1","subjects":["b1"],"storage":"memory"}"""),
            ("b", "$JS.API.STREAM.UPDATE.B1", """{"name":"B1","subjects":["b1"],"storage":"memory","max_bytes":1000}"""),
        ];

        await using JetStreamAccountsPair pair = await JetStreamAccountsPair.StartAsync("natssharp-jsupdate-", Accounts);
        RealNatsServer real = pair.Real;
        TestServer ours = pair.Ours;

        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}", steps);
        List<string> mine = await PlayAsync(ours.Url, steps);
        Assert.True(theirs.SequenceEqual(mine), $"nats-server:\n{string.Join("\n", theirs)}\nours:\n{string.Join("\n", mine)}");
        string all = string.Join("\n", theirs);
        Assert.Contains("10028", all, StringComparison.Ordinal);
        Assert.Contains("10047", all, StringComparison.Ordinal);
        Assert.Contains("10113", all, StringComparison.Ordinal);
        Assert.Contains("10122", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("file")]
    public async Task Discard_new_refuses_at_the_same_message_as_nats_server(string storage)
    {
        List<(string User, string Subject, string Body)> steps =
        [
            ("u", "$JS.API.STREAM.CREATE.D1", $$"""{"name":"D1","subjects":["d1.*"],"storage":"{{storage}}","discard":"new","max_bytes":700}"""),
            ("u", "$JS.API.STREAM.CREATE.D2", $$"""{"name":"D2","subjects":["d2.*"],"storage":"{{storage}}","discard":"new","max_msgs":2,"max_msgs_per_subject":1}"""),
            ("u", "$JS.API.STREAM.CREATE.D3", $$"""{"name":"D3","subjects":["d3.*"],"storage":"{{storage}}","discard":"new","max_bytes":400,"max_msgs_per_subject":1}"""),
        ];
        for (int i = 0; i < 8; i++)
        {
            steps.Add(("u", "d1.x", new string('x', 100)));
        }

        steps.Add(("u", "d2.a", "1"));
        steps.Add(("u", "d2.b", "2"));
        steps.Add(("u", "d2.a", "3"));
        steps.Add(("u", "d2.c", "4"));
        steps.Add(("u", "d3.a", new string('a', 150)));
        steps.Add(("u", "d3.b", new string('b', 150)));
        steps.Add(("u", "d3.a", new string('a', 150)));
        steps.Add(("u", "d3.a", new string('a', 200)));
        steps.Add(("u", "d3.c", new string('c', 10)));
        steps.Add(("u", "$JS.API.STREAM.INFO.D1", ""));
        steps.Add(("u", "$JS.API.STREAM.INFO.D3", ""));

        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}", [.. steps], auth: false);
        List<string> mine = await PlayAsync(ours.Url, [.. steps], auth: false);
        Assert.True(theirs.SequenceEqual(mine), $"nats-server:\n{string.Join("\n", theirs)}\nours:\n{string.Join("\n", mine)}");
        Assert.Contains("maximum bytes exceeded", string.Join("\n", theirs), StringComparison.Ordinal);
    }

    /// <summary>Each answer reduced to what must match: the error, a publish's sequence, a stream's messages and bytes.</summary>
    private static async Task<List<string>> PlayAsync(string url, (string User, string Subject, string Body)[] steps, bool auth = true)
    {
        var answers = new List<string>();
        var connections = new Dictionary<string, NatsConnection>();
        try
        {
            foreach ((string user, string subject, string body) in steps)
            {
                if (!connections.TryGetValue(user, out NatsConnection? c))
                {
                    c = await NatsNetClient.ConnectAsync(url, o => auth ? o with { AuthOpts = new NatsAuthOpts { Username = user, Password = user } } : o);
                    connections[user] = c;
                }

                NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
                using JsonDocument doc = JsonDocument.Parse(reply.Data ?? "{}"u8.ToArray());
                JsonElement r = doc.RootElement;
                answers.Add(subject + " " + (r.TryGetProperty("error", out JsonElement e)
                    ? $"error {e.GetProperty("code")} {e.GetProperty("err_code")} {e.GetProperty("description")}"
                    : r.TryGetProperty("seq", out JsonElement seq) ? $"seq {seq}"
                    : r.TryGetProperty("state", out JsonElement state) ? $"messages {state.GetProperty("messages")} bytes {state.GetProperty("bytes")} max_bytes {r.GetProperty("config").GetProperty("max_bytes")}"
                    : "ok"));
            }
        }
        finally
        {
            foreach (NatsConnection c in connections.Values)
            {
                await c.DisposeAsync();
            }
        }

        return answers;
    }
}
