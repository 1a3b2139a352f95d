using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Raw $JS.API conversations played against nats-server 2.9.10 (-js) and NatsSharp: every answer has
/// the same JSON shape, the same error code, err_code and text, the same status line.
/// </summary>
public sealed class JetStreamApiSideBySideTests
{
    private static readonly HashSet<string> Ignored = [];

    [Fact]
    public async Task Stream_api_conversation_matches_nats_server()
    {
        (string Step, string? Body, string? Status)[] steps =
        [
            ("$JS.API.INFO", "", null),
            ("$JS.API.STREAM.CREATE.S1", """{"name":"S1","subjects":["a.>"],"storage":"memory"}""", null),
            ("$JS.API.STREAM.CREATE.S1", """{"name":"S1","subjects":["a.>"],"storage":"memory"}""", null),
            ("$JS.API.STREAM.CREATE.S1", """{"name":"S1","subjects":["a.>","b"],"storage":"memory"}""", null),
            ("$JS.API.STREAM.CREATE.S2", """{"name":"S2","subjects":["a.b"]}""", null),
            ("$JS.API.STREAM.CREATE.S3", """{"name":"S3","subjects":["c"],"num_replicas":3}""", null),
            ("$JS.API.STREAM.CREATE.S4", """{"name":"OTHER","subjects":["d"]}""", null),
            ("$JS.API.STREAM.CREATE.S5", """{"name":"S5","subjects":["e"],"max_age":1000}""", null),
            ("$JS.API.STREAM.CREATE.S6", "{not json", null),
            ("pub a.1", "one", null),
            ("pub a.2", "two", null),
            ("pubhdr a.3 Nats-Expected-Last-Sequence:9", "three", null),
            ("pubhdr a.3 Nats-Expected-Stream:XX", "three", null),
            ("pubhdr a.3 Nats-Msg-Id:m1", "three", null),
            ("pubhdr a.3 Nats-Msg-Id:m1", "three", null),
            ("pubhdr a.4 Nats-Rollup:sub", "four", null),
            ("$JS.API.STREAM.INFO.S1", "", null),
            ("$JS.API.STREAM.INFO.S1", """{"subjects_filter":">"}""", null),
            ("$JS.API.STREAM.INFO.NOPE", "", null),
            ("$JS.API.STREAM.NAMES", "", null),
            ("$JS.API.STREAM.LIST", "", null),
            ("$JS.API.STREAM.MSG.GET.S1", """{"seq":1}""", null),
            ("$JS.API.STREAM.MSG.GET.S1", """{"last_by_subj":"a.2"}""", null),
            ("$JS.API.STREAM.MSG.GET.S1", """{"seq":99}""", null),
            ("$JS.API.STREAM.MSG.DELETE.S1", """{"seq":1}""", null),
            ("$JS.API.STREAM.MSG.DELETE.S1", """{"seq":1}""", null),
            ("$JS.API.DIRECT.GET.S1", """{"seq":2}""", null),
            ("$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["a.>"],"storage":"file"}""", null),
            ("$JS.API.STREAM.UPDATE.S1", """{"name":"S1","subjects":["a.>"],"storage":"memory","allow_direct":true,"max_msgs":10}""", null),
            ("$JS.API.DIRECT.GET.S1", """{"seq":2}""", null),
            ("$JS.API.DIRECT.GET.S1.a.2", "", null),
            ("$JS.API.DIRECT.GET.S1", """{"seq":1}""", null),
            ("$JS.API.DIRECT.GET.S1", "", null),
            ("$JS.API.STREAM.PURGE.S1", """{"filter":"a.2"}""", null),
            ("$JS.API.STREAM.PURGE.S1", "", null),
            ("$JS.API.STREAM.INFO.S1", "", null),
            ("$JS.API.STREAM.DELETE.S1", "", null),
            ("$JS.API.STREAM.DELETE.S1", "", null),
            ("$JS.API.INFO", "", null),
        ];

        await CompareAsync(steps);
    }

    [Fact]
    public async Task Consumer_api_conversation_matches_nats_server()
    {
        (string Step, string? Body, string? Status)[] steps =
        [
            ("$JS.API.STREAM.CREATE.C", """{"name":"C","subjects":["c.>"],"storage":"memory"}""", null),
            ("pub c.1", "one", null),
            ("pub c.2", "two", null),
            ("$JS.API.CONSUMER.DURABLE.CREATE.C.d1", """{"stream_name":"C","config":{"durable_name":"d1","ack_policy":"explicit"}}""", null),
            ("$JS.API.CONSUMER.DURABLE.CREATE.C.d2", """{"stream_name":"C","config":{"durable_name":"other","ack_policy":"explicit"}}""", null),
            ("$JS.API.CONSUMER.CREATE.C.n1", """{"stream_name":"C","config":{"name":"n1","ack_policy":"explicit","filter_subject":"c.2"}}""", null),
            ("$JS.API.CONSUMER.CREATE.C.n2.c.1", """{"stream_name":"C","config":{"name":"n2","ack_policy":"explicit","filter_subject":"c.2"}}""", null),
            ("$JS.API.CONSUMER.CREATE.C.n3", """{"stream_name":"C","config":{"ack_policy":"none","idle_heartbeat":1000000000}}""", null),
            ("$JS.API.CONSUMER.CREATE.C.n4", """{"stream_name":"C","config":{"ack_policy":"explicit","filter_subject":"zz"}}""", null),
            ("$JS.API.CONSUMER.CREATE.NOPE.n5", """{"stream_name":"NOPE","config":{"ack_policy":"explicit"}}""", null),
            ("$JS.API.CONSUMER.CREATE.C.n6", """{"stream_name":"C","config":{"ack_policy":"none","max_ack_pending":5}}""", null),
            ("$JS.API.CONSUMER.CREATE.C.n7", """{"stream_name":"C","config":{"ack_policy":"explicit","deliver_policy":"by_start_sequence"}}""", null),
            ("$JS.API.CONSUMER.INFO.C.d1", "", null),
            ("$JS.API.CONSUMER.INFO.C.nope", "", null),
            ("$JS.API.CONSUMER.NAMES.C", "", null),
            ("$JS.API.CONSUMER.LIST.C", "", null),
            ("next C d1", """{"batch":1}""", null),
            ("next C d1", """{"batch":5,"no_wait":true}""", null),
            ("next C d1", """{"batch":1,"no_wait":true}""", null),
            ("next C d1", """{"batch":1,"expires":200000000}""", null),
            ("$JS.API.CONSUMER.INFO.C.d1", "", null),
            ("$JS.API.CONSUMER.DELETE.C.d1", "", null),
            ("$JS.API.CONSUMER.DELETE.C.d1", "", null),
        ];

        await CompareAsync(steps);
    }

    private static async Task CompareAsync((string Step, string? Body, string? Status)[] steps)
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}", steps);
        List<string> mine = await PlayAsync(ours.Url, steps);
        string all = string.Join("\n", Enumerable.Range(0, steps.Length).Select(i => $"{i} {steps[i].Step}\n  theirs: {theirs[i]}\n  ours:   {mine[i]}"));
        for (int i = 0; i < steps.Length; i++)
        {
            string what = $"step {i}: {steps[i].Step} {steps[i].Body}";
            if (theirs[i].StartsWith('{'))
            {
                JsonShape.AssertSame(what + "\n" + all, theirs[i], mine[i], Ignored, "state.subjects");
                Assert.True(ErrorOf(theirs[i]) == ErrorOf(mine[i]), $"{what}\nnats-server: {theirs[i]}\nours: {mine[i]}\n{all}");
            }
            else
            {
                Assert.True(theirs[i] == mine[i], $"{what}\nnats-server: {theirs[i]}\nours: {mine[i]}\n{all}");
            }
        }
    }

    private static string ErrorOf(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("error", out JsonElement e)
            ? $"{e.GetProperty("code").GetInt32()} {e.GetProperty("err_code").GetInt32()} {e.GetProperty("description").GetString()}"
            : "";
    }

    /// <summary>A pull request: the messages it brings (subject, data, delivery count) up to its batch or a status, whichever comes first.</summary>
    private static async Task<string> PullAsync(NatsConnection c, string subject, string body)
    {
        int batch;
        using (JsonDocument doc = JsonDocument.Parse(body))
        {
            batch = doc.RootElement.GetProperty("batch").GetInt32();
        }

        string inbox = c.NewInbox();
        await using INatsSub<byte[]> sub = await c.SubscribeCoreAsync<byte[]>(inbox);
        await c.PublishAsync(subject, Encoding.UTF8.GetBytes(body), replyTo: inbox);
        var got = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            while (got.Count < batch)
            {
                NatsMsg<byte[]> m = await sub.Msgs.ReadAsync(cts.Token);
                if (m.Headers is { Code: > 0 } h)
                {
                    got.Add($"status {h.Code} {h.MessageText} pending={(h.TryGetValue("Nats-Pending-Messages", out var pending) ? pending.ToString() : "")}");
                    break;
                }

                got.Add($"message {m.Subject} {Encoding.UTF8.GetString(m.Data ?? [])} {m.ReplyTo?.Split('.')[4]}");
            }
        }
        catch (OperationCanceledException)
        {
            got.Add("timeout");
        }

        return string.Join(" | ", got);
    }

    /// <summary>Each step's answer: JSON text, or "status CODE DESCRIPTION [subject] [data]" for a message with a status or a delivered message.</summary>
    private static async Task<List<string>> PlayAsync(string url, (string Step, string? Body, string? Status)[] steps)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var answers = new List<string>();
        foreach ((string step, string? body, _) in steps)
        {
            string subject = step;
            NatsHeaders? headers = null;
            if (step.StartsWith("pubhdr ", StringComparison.Ordinal))
            {
                string[] parts = step.Split(' ');
                subject = parts[1];
                string[] kv = parts[2].Split(':');
                headers = new NatsHeaders { [kv[0]] = kv[1] };
            }
            else if (step.StartsWith("pub ", StringComparison.Ordinal))
            {
                subject = step[4..];
            }
            else if (step.StartsWith("next ", StringComparison.Ordinal))
            {
                string[] parts = step.Split(' ');
                answers.Add(await PullAsync(c, $"$JS.API.CONSUMER.MSG.NEXT.{parts[1]}.{parts[2]}", body!));
                continue;
            }

            try
            {
                NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body ?? ""), headers,
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(3) });
                string data = Encoding.UTF8.GetString(reply.Data ?? []);
                if (reply.Headers is { Code: > 0 } h)
                {
                    answers.Add($"status {h.Code} {h.MessageText}");
                }
                else if (data.StartsWith('{'))
                {
                    answers.Add(data);
                }
                else
                {
                    // The reply arrives on the requester's own inbox, random per connection.
                    answers.Add($"message {System.Text.RegularExpressions.Regex.Replace(reply.Subject, @"^_INBOX\.[^.]+\.", "_INBOX.*.")} {data}");
                }
            }
            catch (NatsNoRespondersException)
            {
                answers.Add("no responders");
            }
            catch (NatsNoReplyException)
            {
                answers.Add("no reply");
            }
        }

        return answers;
    }
}
