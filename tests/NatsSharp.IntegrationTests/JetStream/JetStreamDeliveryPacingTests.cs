using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// How fast a push consumer delivers: replay_policy original, rate_limit_bps and flow control, each played
/// against nats-server 2.9.10 (-js) and NatsSharp. Times are only bounded from below (what the policy
/// guarantees), never from above.
/// </summary>
public sealed class JetStreamDeliveryPacingTests
{
    private const string Connect = "{\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true}";

    [Fact]
    public async Task Replay_original_keeps_the_stored_gaps_like_nats_server()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        await ReplayOriginalAsync(real.Port);
        await ReplayOriginalAsync(ours.Port);
    }

    [Fact]
    public async Task Rate_limit_throttles_delivery_like_nats_server()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        string theirs = await RateLimitAsync(real.Port);
        string mine = await RateLimitAsync(ours.Port);
        Assert.Equal(theirs, mine);
    }

    [Fact]
    public async Task Flow_control_stalls_until_answered_like_nats_server()
    {
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        int theirs = await FlowControlAsync(real.Port);
        int mine = await FlowControlAsync(ours.Port);
        Assert.Equal(theirs, mine);
    }

    [Fact]
    public async Task Pacing_config_errors_match_nats_server()
    {
        (string Subject, string Body)[] steps =
        [
            ("$JS.API.STREAM.CREATE.E", """{"name":"E","subjects":["e.>"],"storage":"memory"}"""),
            ("$JS.API.CONSUMER.CREATE.E.p1", """{"stream_name":"E","config":{"name":"p1","ack_policy":"explicit","rate_limit_bps":1000}}"""),
            ("$JS.API.CONSUMER.CREATE.E.p2", """{"stream_name":"E","config":{"name":"p2","ack_policy":"none","deliver_subject":"x.d2","flow_control":true}}"""),
            ("$JS.API.CONSUMER.CREATE.E.p4", """{"stream_name":"E","config":{"name":"p4","ack_policy":"none","deliver_subject":"e.d4"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.E.d3", """{"stream_name":"E","config":{"durable_name":"d3","ack_policy":"none","deliver_subject":"x.d3","replay_policy":"original"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.E.d3", """{"stream_name":"E","config":{"durable_name":"d3","ack_policy":"none","deliver_subject":"x.d3","replay_policy":"instant"}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.E.d3", """{"stream_name":"E","config":{"durable_name":"d3","ack_policy":"none","deliver_subject":"x.d3","replay_policy":"original","idle_heartbeat":1000000000,"flow_control":true}}"""),
            ("$JS.API.CONSUMER.DURABLE.CREATE.E.d3", """{"stream_name":"E","config":{"durable_name":"d3","ack_policy":"none","deliver_subject":"x.d3","replay_policy":"original","rate_limit_bps":80000}}"""),
        ];
        await using RealNatsServer real = await JetStreamFixture.StartRealAsync();
        await using TestServer ours = await JetStreamFixture.StartAsync();
        List<string> theirs = await PlayAsync($"nats://127.0.0.1:{real.Port}", steps);
        List<string> mine = await PlayAsync(ours.Url, steps);
        Assert.True(theirs.SequenceEqual(mine), $"nats-server:\n{string.Join("\n", theirs)}\nours:\n{string.Join("\n", mine)}");
        Assert.Contains("10086", theirs[1], StringComparison.Ordinal);
        Assert.Contains("10108", theirs[2], StringComparison.Ordinal);
        Assert.Contains("10081", theirs[3], StringComparison.Ordinal);
        Assert.Contains("replay policy can not be updated", theirs[5], StringComparison.Ordinal);
    }

    /// <summary>
    /// Three messages with two gaps of ~400 ms in between are stored, then a push consumer with replay
    /// original is created: its last message can not arrive before both stored gaps have passed since the create.
    /// </summary>
    private static async Task ReplayOriginalAsync(int port)
    {
        await using NatsConnection api = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}");
        await RequestAsync(api, "$JS.API.STREAM.CREATE.R", """{"name":"R","subjects":["r.>"],"storage":"memory"}""");
        await RequestAsync(api, "r.1", "one");

        // Not synchronization: the gaps are what the stream stores and the consumer must replay.
        await Task.Delay(400);
        await RequestAsync(api, "r.2", "two");
        await Task.Delay(400);
        await RequestAsync(api, "r.3", "three");

        await using RawClient sub = await RawClient.ConnectedAsync(port, Connect);
        await sub.SendAsync("SUB deliver.r 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        var clock = Stopwatch.StartNew();
        await RequestAsync(api, "$JS.API.CONSUMER.CREATE.R", """{"stream_name":"R","config":{"ack_policy":"none","deliver_subject":"deliver.r","replay_policy":"original"}}""");
        var stamps = new List<long>();
        TimeSpan last = TimeSpan.Zero;
        for (int i = 0; i < 20 && stamps.Count < 3; i++)
        {
            (string line, _) = await ReadFrameAsync(sub);
            if (line.StartsWith("MSG ", StringComparison.Ordinal))
            {
                stamps.Add(long.Parse(AckToken(line, 7), CultureInfo.InvariantCulture));
                last = clock.Elapsed;
            }
        }

        Assert.Equal(3, stamps.Count);
        TimeSpan stored = TimeSpan.FromTicks((stamps[2] - stamps[0]) / 100);
        Assert.True(stored >= TimeSpan.FromMilliseconds(750), $"stored gap {stored}");
        Assert.True(last >= stored - TimeSpan.FromMilliseconds(50), $"port {port}: the last replayed message came {last} after the create; the stored gaps add up to {stored}");
    }

    /// <summary>
    /// 1000 B/s with a burst of the stream's max_msg_size (1000): five messages of 600 bytes of data can not
    /// all arrive before (5 × 600 − 1000) / 1000 = 2 s have passed. Returns what CONSUMER.INFO says of it.
    /// </summary>
    private static async Task<string> RateLimitAsync(int port)
    {
        await using NatsConnection api = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}");
        await RequestAsync(api, "$JS.API.STREAM.CREATE.L", """{"name":"L","subjects":["l.>"],"storage":"memory","max_msg_size":1000}""");
        for (int i = 0; i < 5; i++)
        {
            await RequestAsync(api, "l.x", new string('x', 600));
        }

        await using RawClient sub = await RawClient.ConnectedAsync(port, Connect);
        await sub.SendAsync("SUB deliver.l 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        var clock = Stopwatch.StartNew();
        await RequestAsync(api, "$JS.API.CONSUMER.DURABLE.CREATE.L.rl", """{"stream_name":"L","config":{"durable_name":"rl","ack_policy":"none","deliver_subject":"deliver.l","rate_limit_bps":8000}}""");
        int got = 0;
        for (int i = 0; i < 20 && got < 5; i++)
        {
            (string line, _) = await ReadFrameAsync(sub, TimeSpan.FromSeconds(15));
            got += line.StartsWith("MSG ", StringComparison.Ordinal) ? 1 : 0;
        }

        TimeSpan took = clock.Elapsed;
        Assert.Equal(5, got);
        Assert.True(took >= TimeSpan.FromMilliseconds(1900), $"port {port}: 3000 bytes at 1000 B/s (burst 1000) came in {took}");

        using JsonDocument info = JsonDocument.Parse(await RequestAsync(api, "$JS.API.CONSUMER.INFO.L.rl", ""));
        JsonElement root = info.RootElement;
        return $"rate_limit_bps={root.GetProperty("config").GetProperty("rate_limit_bps")} delivered={root.GetProperty("delivered").GetProperty("stream_seq")}";
    }

    /// <summary>
    /// 40 messages of 100 kB to a flow-controlled push consumer whose subscriber withholds the answer to
    /// the flow-control request: delivery stops (an idle heartbeat says it is stalled on that request),
    /// then resumes when it is answered. Returns how many messages came before the stall.
    /// </summary>
    private static async Task<int> FlowControlAsync(int port)
    {
        const int count = 40;
        await using NatsConnection api = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}");
        await RequestAsync(api, "$JS.API.STREAM.CREATE.F", """{"name":"F","subjects":["f.in"],"storage":"memory"}""");
        await using RawClient sub = await RawClient.ConnectedAsync(port, Connect);
        await sub.SendAsync("SUB deliver.f 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        string payload = new('p', 100_000);
        for (int i = 0; i < count; i++)
        {
            await RequestAsync(api, "f.in", payload);
        }

        await RequestAsync(api, "$JS.API.CONSUMER.DURABLE.CREATE.F.fc", """{"stream_name":"F","config":{"durable_name":"fc","ack_policy":"none","deliver_subject":"deliver.f","flow_control":true,"idle_heartbeat":300000000}}""");

        // Stalled: two idle heartbeats naming the pending request with no message between them (one
        // alone may come from a pause of a loaded machine while the request is out).
        int got = 0, atLastStalled = -1;
        string? request = null;
        string? stalledOn = null;
        for (int i = 0; i < 500; i++)
        {
            (string line, string body) = await ReadFrameAsync(sub, TimeSpan.FromSeconds(10));
            if (line.StartsWith("MSG ", StringComparison.Ordinal))
            {
                got++;
            }
            else if (body.Contains("FlowControl Request", StringComparison.Ordinal))
            {
                request = line.Split(' ')[3];
            }
            else if (body.Contains("Nats-Consumer-Stalled:", StringComparison.Ordinal))
            {
                stalledOn = body.Split("Nats-Consumer-Stalled: ")[1].Split("\r\n")[0];
                if (atLastStalled == got)
                {
                    break;
                }

                atLastStalled = got;
            }
        }

        Assert.NotNull(request);
        Assert.Equal(request, stalledOn);
        int beforeStall = got;
        Assert.True(beforeStall < count, $"port {port}: all {count} came although the flow-control request was not answered");

        // Answer it (and any later request): the rest arrives.
        await sub.SendAsync($"PUB {request} 0\r\n\r\n");
        for (int i = 0; i < 500 && got < count; i++)
        {
            (string line, string body) = await ReadFrameAsync(sub, TimeSpan.FromSeconds(10));
            if (line.StartsWith("MSG ", StringComparison.Ordinal))
            {
                got++;
            }
            else if (body.Contains("FlowControl Request", StringComparison.Ordinal))
            {
                await sub.SendAsync($"PUB {line.Split(' ')[3]} 0\r\n\r\n");
            }
        }

        Assert.Equal(count, got);
        return beforeStall;
    }

    /// <summary>The next MSG or HMSG (server PINGs skipped): its line and its payload (headers and data).</summary>
    private static async Task<(string Line, string Body)> ReadFrameAsync(RawClient c, TimeSpan? timeout = null)
    {
        string line = await c.ReadLineSkippingPingsAsync(timeout);
        Assert.True(line.StartsWith("MSG ", StringComparison.Ordinal) || line.StartsWith("HMSG ", StringComparison.Ordinal), line);
        int size = int.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        return (line, await c.ReadPayloadAsync(size, timeout));
    }

    /// <summary>Token <paramref name="i"/> of a delivered message's ack reply ($JS.ACK.stream.consumer.dc.sseq.dseq.ts.pending).</summary>
    private static string AckToken(string msgLine, int i) => msgLine.Split(' ')[3].Split('.')[i];

    private static async Task<List<string>> PlayAsync(string url, (string Subject, string Body)[] steps)
    {
        await using NatsConnection c = await NatsNetClient.ConnectAsync(url);
        var answers = new List<string>();
        foreach ((string subject, string body) in steps)
        {
            using JsonDocument doc = JsonDocument.Parse(await RequestAsync(c, subject, body));
            answers.Add(doc.RootElement.TryGetProperty("error", out JsonElement e)
                ? $"{subject}: error {e.GetProperty("code")} {e.GetProperty("err_code")} {e.GetProperty("description")}"
                : $"{subject}: ok");
        }

        return answers;
    }

    private static async Task<string> RequestAsync(NatsConnection c, string subject, string body)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body), replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        return Encoding.UTF8.GetString(reply.Data ?? []);
    }
}
