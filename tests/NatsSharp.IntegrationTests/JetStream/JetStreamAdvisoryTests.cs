using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// The $JS.EVENT.&gt; advisories and metrics: one API conversation (streams, consumers, ack, nak, term,
/// max_deliver, sample_freq) played against nats-server 2.9.10 (-js) and NatsSharp while a client listens
/// on $JS.EVENT.&gt;; both publish the same events (subjects and JSON, ids and times aside).
/// </summary>
public sealed class JetStreamAdvisoryTests
{
    private static readonly HashSet<string> Ignored = ["client.rtt"];

    [Fact]
    public async Task Advisories_of_an_api_conversation_match_nats_server()
    {
        List<(string Subject, string Json)> theirs = await ReferenceAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<(string Subject, string Json)> mine = await PlayAsync(ours.Url, theirs.Count);

        string all = $"nats-server:\n{string.Join("\n", theirs.Select(e => e.Subject + " " + e.Json))}\nours:\n{string.Join("\n", mine.Select(e => e.Subject + " " + e.Json))}";
        Assert.True(theirs.Count == 19, all);
        Assert.True(Normalized(theirs).SequenceEqual(Normalized(mine)), all);
        foreach ((string subject, string json) in theirs)
        {
            (string Subject, string Json) match = mine.First(e => Key(e) == Key((subject, json)));
            JsonShape.AssertSame(subject + "\n" + all, json, match.Json, Ignored);
        }
    }

    /// <summary>
    /// The conversation's events from nats-server. In two CI runs of the whole suite (2026-12-06) nats-server sent
    /// 18 of its 19 within 15 s; the reference is then played once more, on a fresh nats-server, before the test
    /// fails on it. Ours is held to whatever the reference sent, with no second try.
    /// </summary>
    private static async Task<List<(string Subject, string Json)>> ReferenceAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
            try
            {
                return await PlayAsync($"nats://127.0.0.1:{real.Port}", null);
            }
            catch (Exception ex) when (attempt == 1 && ex.Message.StartsWith("timed out waiting for: 19 events from nats-server", StringComparison.Ordinal))
            {
            }
        }
    }

    /// <summary>An event's subject, plus the API subject an audit is about.</summary>
    private static string Key((string Subject, string Json) e) => e.Subject + " " + JsonNode.Parse(e.Json)?["subject"]?.GetValue<string>();

    /// <summary>Each event as subject + its JSON without id, timestamp, server ids and measured times; audits keep their subject, request and the response's type and error.</summary>
    private static List<string> Normalized(List<(string Subject, string Json)> events) =>
        [.. events.Select(e =>
        {
            JsonObject o = JsonNode.Parse(e.Json)!.AsObject();
            o.Remove("id");
            o.Remove("timestamp");
            o.Remove("server");
            o.Remove("client");
            o.Remove("ack_time");
            if (o["response"]?.GetValue<string>() is { } response)
            {
                JsonObject r = JsonNode.Parse(response)!.AsObject();
                o["response"] = $"{r["type"]} {r["error"]?["err_code"]} {r["success"]}";
            }

            if (o["request"]?.GetValue<string>() is { } request)
            {
                o["request"] = JsonNode.Parse(request)!.ToJsonString();
            }

            return e.Subject + " " + o.ToJsonString();
        }).Order(StringComparer.Ordinal)];

    private static async Task<List<(string Subject, string Json)>> PlayAsync(string url, int? expected)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var events = new ConcurrentQueue<(string Subject, string Json)>();
        bool marker = false;
        await using INatsSub<byte[]> sub = await c.SubscribeCoreAsync<byte[]>("$JS.EVENT.>");
        using var stop = new CancellationTokenSource();
        Task reader = Task.Run(async () =>
        {
            try
            {
                await foreach (NatsMsg<byte[]> m in sub.Msgs.ReadAllAsync(stop.Token))
                {
                    if (m.Subject == "$JS.EVENT.marker")
                    {
                        Volatile.Write(ref marker, true);
                    }
                    else
                    {
                        events.Enqueue((m.Subject, Encoding.UTF8.GetString(m.Data ?? [])));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await c.PingAsync();

        await RequestAsync(c, "$JS.API.INFO", "");
        await RequestAsync(c, "$JS.API.STREAM.CREATE.EV", """{"name":"EV","subjects":["ev.>"],"storage":"memory"}""");
        await RequestAsync(c, "$JS.API.STREAM.UPDATE.EV", """{"name":"EV","subjects":["ev.>"],"storage":"memory","max_msgs":10}""");
        for (int i = 1; i <= 3; i++)
        {
            await RequestAsync(c, $"ev.{i}", $"m{i}");
        }

        await RequestAsync(c, "$JS.API.CONSUMER.DURABLE.CREATE.EV.d1",
            """{"stream_name":"EV","config":{"durable_name":"d1","ack_policy":"explicit","max_deliver":2,"ack_wait":2000000000,"sample_freq":"100%"}}""");
        await RequestAsync(c, "$JS.API.CONSUMER.DURABLE.CREATE.EV.d2", """{"stream_name":"EV","config":{"durable_name":"d2","ack_policy":"explicit"}}""");

        string inbox = "pulls." + Guid.NewGuid().ToString("N"); // not under the client's own inbox prefix
        await using INatsSub<byte[]> pulls = await c.SubscribeCoreAsync<byte[]>(inbox);
        NatsMsg<byte[]> m1 = await PullAsync(c, pulls, inbox);
        await AckAsync(c, m1, "+ACK");
        NatsMsg<byte[]> m2 = await PullAsync(c, pulls, inbox);
        await AckAsync(c, m2, "-NAK");
        NatsMsg<byte[]> again = await PullAsync(c, pulls, inbox);
        Assert.Equal("m2", Encoding.UTF8.GetString(again.Data!));

        // ack_wait is 2 s so that no ack of this conversation can come after it on a loaded machine.
        // m2 is left unacked: past ack_wait it is due a third time, one over max_deliver, and given up (with an advisory)
        // while a pull request waits; that request gets m3.
        await c.PublishAsync("$JS.API.CONSUMER.MSG.NEXT.EV.d1", Encoding.UTF8.GetBytes("""{"batch":2,"expires":15000000000}"""), replyTo: inbox);
        NatsMsg<byte[]> m3 = await NatsNetClient.NextAsync(pulls);
        Assert.Equal("m3", Encoding.UTF8.GetString(m3.Data!));
        await Eventually.TrueAsync(() => events.Any(e => e.Subject.Contains("MAX_DELIVERIES", StringComparison.Ordinal)), "the max deliveries advisory", TimeSpan.FromSeconds(15));
        await AckAsync(c, m3, "+TERM");

        await RequestAsync(c, "$JS.API.STREAM.INFO.NOPE", "");
        await RequestAsync(c, "$JS.API.CONSUMER.DELETE.EV.d1", "");
        await RequestAsync(c, "$JS.API.STREAM.DELETE.EV", "");

        if (expected is { } count)
        {
            await Eventually.TrueAsync(() => events.Count >= count, $"{count} events", TimeSpan.FromSeconds(15));
        }
        else if (!await Eventually.ReachedAsync(() => Task.FromResult(events.Count >= 19), TimeSpan.FromSeconds(15)))
        {
            // Failed once in CI at low load: say which events nats-server did send, for the next one to read.
            Assert.Fail($"timed out waiting for: 19 events from nats-server; it sent {events.Count}:\n{string.Join("\n", events.ToArray().Select(e => e.Subject))}");
        }

        await c.PublishAsync("$JS.EVENT.marker", "x"u8.ToArray());
        await Eventually.TrueAsync(() => Volatile.Read(ref marker), "the marker");
        await stop.CancelAsync();
        await reader;
        return [.. events];
    }

    private static async Task RequestAsync(NatsConnection c, string subject, string body) =>
        await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });

    private static async Task<NatsMsg<byte[]>> PullAsync(NatsConnection c, INatsSub<byte[]> pulls, string inbox)
    {
        await c.PublishAsync("$JS.API.CONSUMER.MSG.NEXT.EV.d1", Encoding.UTF8.GetBytes("""{"batch":1,"expires":5000000000}"""), replyTo: inbox);
        return await NatsNetClient.NextAsync(pulls);
    }

    private static async Task AckAsync(NatsConnection c, NatsMsg<byte[]> m, string ack)
    {
        await c.RequestAsync<byte[], byte[]>(m.ReplyTo!, Encoding.UTF8.GetBytes(ack), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
    }
}
