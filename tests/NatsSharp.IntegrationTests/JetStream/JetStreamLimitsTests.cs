using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Per-account JetStream limits from the config (max_mem, max_streams, max_consumers) and an account the
/// config does not enable: the same conversation against nats-server 2.9.10 and NatsSharp gives the same
/// answers (error codes and texts, INFO's limits and usage).
/// </summary>
public sealed class JetStreamLimitsTests
{
    private const string Accounts = """
        accounts {
          A { jetstream { max_mem: 100K, max_file: 1M, max_streams: 2, max_consumers: 1 }, users [{user: a, password: a}] }
          B { users [{user: b, password: b}] }
        }
        """;

    [Fact]
    public async Task Account_limits_refuse_as_nats_server_does()
    {
        await using JetStreamAccountsPair pair = await JetStreamAccountsPair.StartAsync("natssharp-jslimits-", Accounts);
        RealNatsServer real = pair.Real;
        TestServer ours = pair.Ours;

        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}");
        List<string> mine = await PlayAsync(ours.Url);
        string all = string.Join("\n", theirs.Zip(mine, (t, m) => $"theirs: {t}\nours:   {m}"));
        Assert.Equal(theirs, mine);
        Assert.Contains("10027", all, StringComparison.Ordinal);
        Assert.Contains("10002", all, StringComparison.Ordinal);
    }

    /// <summary>Each answer reduced to what must match: the error (code, err_code, text) or, for INFO, usage counts and limits.</summary>
    private static async Task<List<string>> PlayAsync(string url)
    {
        var answers = new List<string>();
        await using (NatsConnection a = await ConnectAsync(url, "a"))
        {
            (string Subject, string Body)[] steps =
            [
                ("$JS.API.INFO", ""),
                ("$JS.API.STREAM.CREATE.S1", """{"name":"S1","subjects":["a.>"],"storage":"memory"}"""),
                ("$JS.API.STREAM.CREATE.S2", """{"name":"S2","subjects":["b.>"],"storage":"memory","max_bytes":200000}"""),
                ("$JS.API.STREAM.CREATE.S2", """{"name":"S2","subjects":["b.>"],"storage":"memory"}"""),
                ("$JS.API.STREAM.CREATE.S3", """{"name":"S3","subjects":["c.>"],"storage":"memory"}"""),
                ("$JS.API.CONSUMER.DURABLE.CREATE.S1.d1", """{"stream_name":"S1","config":{"durable_name":"d1","ack_policy":"explicit"}}"""),
                ("$JS.API.CONSUMER.DURABLE.CREATE.S1.d2", """{"stream_name":"S1","config":{"durable_name":"d2","ack_policy":"explicit"}}"""),
                ("a.big", new string('x', 40_000)),
                ("a.big", new string('x', 40_000)),
                ("a.big", new string('x', 40_000)),
                ("$JS.API.INFO", ""),
            ];
            foreach ((string subject, string body) in steps)
            {
                answers.Add(subject + " " + Reduce(await RequestAsync(a, subject, body)));
            }
        }

        await using (NatsConnection b = await ConnectAsync(url, "b"))
        {
            answers.Add("B " + Reduce(await RequestAsync(b, "$JS.API.INFO", "")));
        }

        return answers;
    }

    private static string Reduce(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement r = doc.RootElement;
        if (r.TryGetProperty("error", out JsonElement e))
        {
            return $"error {e.GetProperty("code").GetInt32()} {e.GetProperty("err_code").GetInt32()} {e.GetProperty("description").GetString()}";
        }

        if (r.TryGetProperty("limits", out JsonElement limits))
        {
            return $"memory={r.GetProperty("memory").GetUInt64() / 1000}K streams={r.GetProperty("streams")} consumers={r.GetProperty("consumers")} limits={limits.GetRawText()}";
        }

        return r.TryGetProperty("seq", out JsonElement seq) ? $"seq {seq}" : "ok";
    }

    private static Task<NatsConnection> ConnectAsync(string url, string user) =>
        NatsNetClient.ConnectAsync(url, o => o with { AuthOpts = new NatsAuthOpts { Username = user, Password = user } });

    private static async Task<string> RequestAsync(NatsConnection c, string subject, string body)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        return Encoding.UTF8.GetString(reply.Data ?? []);
    }
}
