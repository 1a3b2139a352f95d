using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// Consumer behaviour the JavaScript client's transcript (JetStreamJsClientTests) showed differing, played
/// raw against nats-server 2.9.10 (-js) and NatsSharp: what a create for an existing consumer may change,
/// a new consumer's ack floor, and the deliver-policy errors. Each answer is reduced to its error or to
/// the fields the step is about; both servers must give the same.
/// </summary>
public sealed class JetStreamConsumerParitySideBySideTests
{
    [Fact]
    public async Task Updating_a_consumer_allows_what_nats_server_allows()
    {
        const string pull = """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit"}}""";
        (string Subject, string Body)[] steps =
        [
            ("$JS.API.STREAM.CREATE.U", """{"name":"U","subjects":["u.>"],"storage":"memory"}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", pull),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", pull),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","description":"d","max_deliver":5,"max_ack_pending":20}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","deliver_policy":"last"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","deliver_policy":"by_start_sequence","opt_start_seq":3}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"all"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","replay_policy":"original"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","max_waiting":7}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","deliver_subject":"to.p"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","backoff":[1000000000,2000000000],"max_deliver":2}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.P", """{"stream_name":"U","config":{"durable_name":"P","ack_policy":"explicit","backoff":[1000000000,2000000000],"max_deliver":3}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.Q", """{"stream_name":"U","config":{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"to.q"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.Q", """{"stream_name":"U","config":{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"to.q2"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.Q", """{"stream_name":"U","config":{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"to.q2","idle_heartbeat":1000000000}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.Q", """{"stream_name":"U","config":{"durable_name":"Q","ack_policy":"explicit","deliver_subject":"to.q2","flow_control":true,"idle_heartbeat":0}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.Q", """{"stream_name":"U","config":{"durable_name":"Q","ack_policy":"explicit"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.H", """{"stream_name":"U","config":{"durable_name":"H","ack_policy":"explicit","deliver_subject":"to.h","idle_heartbeat":1000000000}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.H", """{"stream_name":"U","config":{"durable_name":"H","ack_policy":"explicit","deliver_subject":"to.h","idle_heartbeat":1000000000,"flow_control":true}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.T", """{"stream_name":"U","config":{"durable_name":"T","ack_policy":"explicit","deliver_policy":"by_start_time","opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.T", """{"stream_name":"U","config":{"durable_name":"T","ack_policy":"explicit","deliver_policy":"by_start_time","opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.U.T", """{"stream_name":"U","config":{"durable_name":"T","ack_policy":"explicit","deliver_policy":"by_start_time","opt_start_time":"2026-01-01T00:00:00Z","description":"x"}}"""),
            ("$JS.API.CONSUMER.INFO.U.P", ""),
        ];

        await CompareAsync(steps, "config.description", "config.max_deliver", "config.max_ack_pending", "config.deliver_policy", "config.ack_policy", "config.deliver_subject");
    }

    [Fact]
    public async Task A_new_consumer_ack_floor_matches_nats_server()
    {
        var steps = new List<(string Subject, string Body)>
        {
            ("$JS.API.STREAM.CREATE.F", """{"name":"F","subjects":["f.>"],"storage":"file"}"""),
        };
        for (int i = 1; i <= 10; i++)
        {
            steps.Add(($"f.{i}", $"m{i}"));
        }

        steps.Add(("$JS.API.STREAM.PURGE.F", """{"seq":4}"""));
        string[] policies = ["\"deliver_policy\":\"all\"", "\"deliver_policy\":\"last\"", "\"deliver_policy\":\"new\"", "\"deliver_policy\":\"by_start_sequence\",\"opt_start_seq\":7"];
        string[] acks = ["explicit", "none", "all"];
        int n = 0;
        foreach (string policy in policies)
        {
            foreach (string ack in acks)
            {
                string name = $"c{n++}";
                steps.Add(($"$JS.API.CONSUMER.DURABLE.CREATE.F.{name}", "{\"stream_name\":\"F\",\"config\":{\"durable_name\":\"" + name + "\",\"ack_policy\":\"" + ack + "\"," + policy + "}}"));
                steps.Add(($"$JS.API.CONSUMER.INFO.F.{name}", ""));
            }
        }

        // One message pulled with ack none moves the floor to it; a purge moves every floor up.
        steps.Add(("$JS.API.CONSUMER.MSG.NEXT.F.c1", """{"batch":1}"""));
        steps.Add(("$JS.API.CONSUMER.INFO.F.c1", ""));
        steps.Add(("$JS.API.STREAM.PURGE.F", ""));
        steps.Add(("$JS.API.CONSUMER.INFO.F.c0", ""));
        steps.Add(("$JS.API.CONSUMER.INFO.F.c1", ""));
        steps.Add(("$JS.API.CONSUMER.INFO.F.c2", ""));

        await CompareAsync([.. steps], "ack_floor.consumer_seq", "ack_floor.stream_seq", "delivered.consumer_seq", "delivered.stream_seq", "num_pending");
    }

    [Fact]
    public async Task Deliver_policy_errors_match_nats_server()
    {
        (string Subject, string Body)[] steps =
        [
            ("$JS.API.STREAM.CREATE.D", """{"name":"D","subjects":["d.>"],"storage":"memory"}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.a", """{"stream_name":"D","config":{"durable_name":"a","ack_policy":"explicit","deliver_policy":"last_per_subject"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.b", """{"stream_name":"D","config":{"durable_name":"b","ack_policy":"explicit","deliver_policy":"last_per_subject","filter_subject":"d.>"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.c", """{"stream_name":"D","config":{"durable_name":"c","ack_policy":"explicit","opt_start_seq":3}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.d", """{"stream_name":"D","config":{"durable_name":"d","ack_policy":"explicit","opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.e", """{"stream_name":"D","config":{"durable_name":"e","ack_policy":"explicit","deliver_policy":"last","opt_start_seq":3,"opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.f", """{"stream_name":"D","config":{"durable_name":"f","ack_policy":"explicit","deliver_policy":"new","opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.h", """{"stream_name":"D","config":{"durable_name":"h","ack_policy":"explicit","deliver_policy":"by_start_sequence","opt_start_seq":2,"opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.i", """{"stream_name":"D","config":{"durable_name":"i","ack_policy":"explicit","deliver_policy":"by_start_time","opt_start_seq":2,"opt_start_time":"2026-01-01T00:00:00Z"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.j", """{"stream_name":"D","config":{"durable_name":"j","ack_policy":"explicit","deliver_subject":"to.j","flow_control":true}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.D.g", """{"stream_name":"D","config":{"durable_name":"g","ack_policy":"explicit","deliver_policy":"last_per_subject","filter_subject":"d.>","opt_start_seq":2}}"""),
        ];

        await CompareAsync(steps, "config.deliver_policy");
    }

    [Fact]
    public async Task Last_per_subject_delivered_stream_seq_walks_its_set_as_on_nats_server()
    {
        var steps = new List<(string Subject, string Body)>
        {
            ("$JS.API.STREAM.CREATE.LP", """{"name":"LP","subjects":["lp.*"],"storage":"memory"}"""),
        };
        foreach (string m in new[] { "a", "b", "a", "c", "b", "c", "x" })
        {
            steps.Add(($"lp.{m}", m));
        }

        // The last of lp.a, lp.b, lp.c, lp.x are 3, 5, 6, 7: delivered.stream_seq walks through them.
        steps.Add(("$JS.API.CONSUMER.DURABLE.CREATE.LP.L", """{"stream_name":"LP","config":{"durable_name":"L","ack_policy":"explicit","deliver_policy":"last_per_subject","filter_subject":"lp.*"}}"""));
        steps.Add(("$JS.API.CONSUMER.INFO.LP.L", ""));
        for (int i = 0; i < 4; i++)
        {
            steps.Add(("$JS.API.CONSUMER.MSG.NEXT.LP.L", """{"batch":1,"no_wait":true}"""));
            steps.Add(("$JS.API.CONSUMER.INFO.LP.L", ""));
        }

        await CompareAsync([.. steps], "delivered.consumer_seq", "delivered.stream_seq", "num_pending", "num_ack_pending");
    }

    [Fact]
    public async Task Ack_floor_after_a_nak_redelivered_and_acks_out_of_order_matches_nats_server()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await NakAndAckOutOfOrderAsync($"nats://127.0.0.1:{real.Port}");
        List<string> mine = await NakAndAckOutOfOrderAsync(ours.Url);
        Assert.Equal(theirs, mine);
    }

    [Fact]
    public async Task Rate_limit_burst_is_the_account_max_payload_as_on_nats_server()
    {
        await using JetStreamAccountsPair pair = await JetStreamAccountsPair.StartAsync("natssharp-js-rate-",
            "accounts { R { jetstream: enabled, users = [ { user: r, password: r } ], limits { max_payload: 2000 } } }");
        List<string> theirs = await RateBurstAsync(pair.Real.Port);
        List<string> mine = await RateBurstAsync(pair.Ours.Port);
        Assert.Equal(theirs, mine);
    }

    /// <summary>
    /// Three 800-byte messages to a push consumer limited to 1 byte/s: a burst of the account's 2000-byte
    /// max_payload lets two out at once and holds the third for minutes (the server's 1 MB would let all three out).
    /// </summary>
    private static async Task<List<string>> RateBurstAsync(int port)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}", o => o with { AuthOpts = new NatsAuthOpts { Username = "r", Password = "r" } });
        async Task<string> Request(string subject, string body)
        {
            NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
            return Encoding.UTF8.GetString(reply.Data ?? []);
        }

        await Request("$JS.API.STREAM.CREATE.RL", """{"name":"RL","subjects":["rl"],"storage":"memory"}""");
        for (int i = 0; i < 3; i++)
        {
            await Request("rl", new string((char)('a' + i), 800));
        }

        await using INatsSub<byte[]> delivered = await c.SubscribeCoreAsync<byte[]>("to.rl");
        await Request("$JS.API.CONSUMER.DURABLE.CREATE.RL.P", """{"stream_name":"RL","config":{"durable_name":"P","ack_policy":"none","deliver_subject":"to.rl","rate_limit_bps":8}}""");
        var lines = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            NatsMsg<byte[]> m = await NatsNetClient.NextAsync(delivered);
            lines.Add($"got {(char)m.Data![0]}");
        }

        // The third waits for tokens that take minutes to come: it is not delivered. (nats-server has already
        // taken it off the stream while it waits, so its delivered.stream_seq and num_pending count it; ours not.)
        lines.Add(Reduce(await Request("$JS.API.CONSUMER.INFO.RL.P", ""), ["delivered.consumer_seq"]));
        return lines;
    }

    /// <summary>Four pulled, the first nak'd, the third and second acked, the first redelivered and acked, then the fourth: the info after each.</summary>
    private static async Task<List<string>> NakAndAckOutOfOrderAsync(string url)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var lines = new List<string>();
        async Task<string> Request(string subject, string body)
        {
            NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
            return Encoding.UTF8.GetString(reply.Data ?? []);
        }

        // A pulled message comes under its stream subject, which NATS.Net's request inbox does not route: pull into a subscription.
        await using INatsSub<byte[]> pulled = await c.SubscribeCoreAsync<byte[]>("pulled.k");
        async Task<string> Next()
        {
            await c.PublishAsync("$JS.API.CONSUMER.MSG.NEXT.K.K", Encoding.UTF8.GetBytes("""{"batch":1,"no_wait":true}"""), replyTo: "pulled.k");
            NatsMsg<byte[]> m = await NatsNetClient.NextAsync(pulled);
            Assert.True(m.ReplyTo is not null, $"a message, not status {m.Headers?.Code}");
            return m.ReplyTo!;
        }

        // The acks go to the stream, not the API: wait for the ack-pending count they lead to, then describe.
        async Task Describe(string step, int ackPending)
        {
            string info = "";
            await Eventually.TrueAsync(async () =>
            {
                info = await Request("$JS.API.CONSUMER.INFO.K.K", "");
                return Reduce(info, ["num_ack_pending"]) == $"num_ack_pending={ackPending}";
            }, $"{step}: {ackPending} pending", TimeSpan.FromSeconds(20));
            using JsonDocument doc = JsonDocument.Parse(info);
            bool ackActive = doc.RootElement.GetProperty("ack_floor").TryGetProperty("last_active", out _);
            lines.Add($"{step}: {Reduce(info, ["delivered.consumer_seq", "delivered.stream_seq", "ack_floor.consumer_seq", "ack_floor.stream_seq", "num_redelivered", "num_pending"])} ack_floor.last_active={ackActive}");
        }

        await Request("$JS.API.STREAM.CREATE.K", """{"name":"K","subjects":["k"],"storage":"memory"}""");
        for (int i = 1; i <= 5; i++)
        {
            await Request("k", $"m{i}");
        }

        await Request("$JS.API.CONSUMER.DURABLE.CREATE.K.K", """{"stream_name":"K","config":{"durable_name":"K","ack_policy":"explicit"}}""");
        var acks = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            acks.Add(await Next());
        }

        await Describe("pulled 4", 4);
        await c.PublishAsync(acks[0], Encoding.UTF8.GetBytes("-NAK"));
        await c.PublishAsync(acks[2], Encoding.UTF8.GetBytes("+ACK"));
        await c.PublishAsync(acks[1], Encoding.UTF8.GetBytes("+ACK"));
        await Describe("nak 1, ack 3 and 2", 2);
        string again = await Next();
        lines.Add($"redelivered: {string.Join('.', again.Split('.')[4..7])}");
        await Describe("1 redelivered", 2);
        await c.PublishAsync(again, Encoding.UTF8.GetBytes("+ACK"));
        await Describe("ack 1", 1);
        await c.PublishAsync(acks[3], Encoding.UTF8.GetBytes("+ACK"));
        await Describe("ack 4", 0);
        return lines;
    }

    private static async Task CompareAsync((string Subject, string Body)[] steps, params string[] fields)
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}", steps, fields);
        List<string> mine = await PlayAsync(ours.Url, steps, fields);
        string all = string.Join("\n", Enumerable.Range(0, steps.Length).Select(i => $"{i} {steps[i].Subject} {steps[i].Body}\n  nats-server: {theirs[i]}\n  NatsSharp:   {mine[i]}"));
        Assert.True(theirs.SequenceEqual(mine), all);
    }

    /// <summary>Each step's answer: its error, or the chosen fields; a publish is sent as a request and its ack reduced the same way.</summary>
    private static async Task<List<string>> PlayAsync(string url, (string Subject, string Body)[] steps, string[] fields)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var answers = new List<string>();
        foreach ((string subject, string body) in steps)
        {
            try
            {
                NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body),
                    replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
                string data = Encoding.UTF8.GetString(reply.Data ?? []);
                answers.Add(reply.Headers is { Code: > 0 } h ? $"status {h.Code}" : data.StartsWith('{') ? Reduce(data, fields) : $"message {data}");
            }
            catch (NatsNoReplyException)
            {
                answers.Add("no reply");
            }
        }

        return answers;
    }

    private static string Reduce(string json, string[] fields)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        if (root.TryGetProperty("error", out JsonElement e))
        {
            return $"error {e.GetProperty("code").GetInt32()} {e.GetProperty("err_code").GetInt32()} {e.GetProperty("description").GetString()}";
        }

        var parts = new List<string>();
        foreach (string field in fields)
        {
            JsonElement at = root;
            bool found = true;
            foreach (string step in field.Split('.'))
            {
                if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(step, out at))
                {
                    found = false;
                    break;
                }
            }

            parts.Add($"{field}={(found ? at.ToString() : "-")}");
        }

        return string.Join(" ", parts);
    }
}
