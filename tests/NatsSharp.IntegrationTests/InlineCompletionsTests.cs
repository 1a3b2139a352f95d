using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Once past CONNECT a client's socket completes inline (its small reads are parsed and their deliveries written
/// on the epoll thread; docs/benchmarks.md, "Per-socket inline completions"). What must not change, side by side
/// with nats-server 2.9.10: order through a socket that filled up (the write loop continues the send that had to
/// wait, small deliveries queue behind it), and max_pending still cutting a subscriber that stopped reading.
/// </summary>
public class InlineCompletionsTests
{
    private const int Big = 32 * 1024;

    [Fact]
    public async Task Small_deliveries_queue_behind_a_send_that_had_to_wait_in_order_as_on_nats_server()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync();
        await using TestServer ours = await TestServer.StartAsync();
        foreach (int port in new[] { real.Port, ours.Port })
        {
            List<string> got = await BurstThenSmallAsync(port, bigCount: 64, smallCount: 40);
            Assert.Equal(Enumerable.Range(0, 104).Select(i => i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)), got);
        }
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_small_messages_is_cut_by_max_pending_and_requests_are_still_answered()
    {
        const int maxPending = 64 * 1024;
        string file = Path.Combine(Directory.CreateTempSubdirectory("inline-").FullName, "server.conf");
        await File.WriteAllTextAsync(file, $"max_pending: {maxPending}\nmax_payload: {maxPending}\n");
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", file, "-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            o.MaxPending = maxPending;
            o.MaxPayload = maxPending;
            o.HttpPort = ServerOptions.RandomPort;
        });

        Assert.True(await StuckSubscriberCutAsync(real.Port, real.MonitorPort), "nats-server cuts the stuck subscriber");
        Assert.True(await StuckSubscriberCutAsync(ours.Port, ours.Server.MonitorPort), "natssharp cuts the stuck subscriber");
    }

    /// <summary>
    /// A subscriber with a small receive buffer that does not read while a publisher sends <paramref name="bigCount"/>
    /// 32 KB messages (the server's send has to wait) and then <paramref name="smallCount"/> small ones, each its own
    /// read (PING/PONG after each); then it reads everything up to an end marker. Returns the sequence numbers in
    /// the order they arrived.
    /// </summary>
    private static async Task<List<string>> BurstThenSmallAsync(int port, int bigCount, int smallCount)
    {
        using var sub = new TcpClient { ReceiveBufferSize = 4096, NoDelay = true };
        await sub.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(30));
        var reader = new MessageReader(sub.GetStream());
        await sub.GetStream().WriteAsync("CONNECT {\"verbose\":false}\r\nSUB seq 1\r\nPING\r\n"u8.ToArray());
        await reader.UntilPongAsync();

        await using RawClient pub = await RawClient.ConnectedAsync(port);
        var burst = new StringBuilder();
        for (int i = 0; i < bigCount; i++)
        {
            burst.Append($"PUB seq {Big}\r\n").Append(i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).Append('x', Big - 4).Append("\r\n");
        }

        await pub.SendAsync(burst + "PING\r\n");
        await pub.ExpectAsync("PONG");
        for (int i = bigCount; i < bigCount + smallCount; i++)
        {
            await pub.SendAsync($"PUB seq 4\r\n{i:D4}\r\nPING\r\n");
            await pub.ExpectAsync("PONG");
        }

        await pub.SendAsync("PUB seq 3\r\nend\r\nPING\r\n");
        await pub.ExpectAsync("PONG");

        var got = new List<string>();
        for (int i = 0; i <= bigCount + smallCount; i++)
        {
            string payload = await reader.NextPayloadAsync();
            if (payload == "end")
            {
                break;
            }

            Assert.Equal(got.Count < bigCount ? Big : 4, payload.Length);
            got.Add(payload[..4]);
        }

        return got;
    }

    /// <summary>
    /// A subscriber that never reads gets small messages, each published in its own read, until the server counts a
    /// slow consumer (bounded in count and time); meanwhile and after, a request on other connections is answered.
    /// </summary>
    private static async Task<bool> StuckSubscriberCutAsync(int port, int monitorPort)
    {
        using var http = new MonitorHttp(monitorPort);
        using var stuck = new TcpClient { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(30));
        var stuckReader = new MessageReader(stuck.GetStream());
        await stuck.GetStream().WriteAsync("CONNECT {\"verbose\":false}\r\nSUB small 1\r\nPING\r\n"u8.ToArray());
        await stuckReader.UntilPongAsync(); // subscribed; from here on it reads nothing

        await using RawClient responder = await RawClient.ConnectedAsync(port);
        await responder.SendAsync("SUB rpc 1\r\nPING\r\n");
        await responder.ExpectAsync("PONG");
        await using RawClient requester = await RawClient.ConnectedAsync(port);
        await requester.SendAsync("SUB reply.inbox 1\r\nPING\r\n");
        await requester.ExpectAsync("PONG");
        await using RawClient pub = await RawClient.ConnectedAsync(port);

        string message = $"PUB small 1000\r\n{new string('s', 1000)}\r\nPING\r\n";
        bool cut = false;
        var budget = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        for (int i = 0; i < 20_000 && !cut && DateTime.UtcNow < budget; i++)
        {
            await pub.SendAsync(message);
            await pub.ExpectAsync("PONG");
            if (i % 100 == 99)
            {
                await RequestAsync(requester, responder, i);
                cut = (await http.JsonAsync("/varz")).GetProperty("slow_consumers").GetInt64() > 0;
            }
        }

        await RequestAsync(requester, responder, -1);
        return cut;
    }

    private static async Task RequestAsync(RawClient requester, RawClient responder, int n)
    {
        await requester.SendAsync($"PUB rpc reply.inbox 2\r\nq{Math.Abs(n) % 10}\r\n");
        Assert.StartsWith("MSG rpc 1 reply.inbox 2", await responder.ReadLineSkippingPingsAsync());
        string question = await responder.ReadLineAsync();
        await responder.SendAsync($"PUB reply.inbox 2\r\n{question}\r\n");
        Assert.Equal("MSG reply.inbox 1 2", await requester.ReadLineSkippingPingsAsync());
        Assert.Equal(question, await requester.ReadLineAsync());
    }

    /// <summary>Reads MSG frames (and the PONG of the handshake) from a plain socket, each read bounded in time.</summary>
    private sealed class MessageReader(NetworkStream stream)
    {
        private readonly List<byte> _pending = [];
        private readonly byte[] _buffer = new byte[64 * 1024];

        public async Task UntilPongAsync()
        {
            for (int i = 0; i < 10; i++)
            {
                if (await LineAsync() == "PONG")
                {
                    return;
                }
            }

            throw new InvalidOperationException("no PONG");
        }

        public async Task<string> NextPayloadAsync()
        {
            string line;
            do
            {
                line = await LineAsync();
            }
            while (line == "PING");

            Assert.StartsWith("MSG seq 1 ", line);
            int size = int.Parse(line["MSG seq 1 ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            while (_pending.Count < size + 2)
            {
                await FillAsync();
            }

            string payload = Encoding.ASCII.GetString(_pending.GetRange(0, size).ToArray());
            Assert.Equal("\r\n", Encoding.ASCII.GetString(_pending.GetRange(size, 2).ToArray()));
            _pending.RemoveRange(0, size + 2);
            return payload;
        }

        private async Task<string> LineAsync()
        {
            while (true)
            {
                int nl = _pending.IndexOf((byte)'\n');
                if (nl >= 0)
                {
                    string line = Encoding.ASCII.GetString(_pending.GetRange(0, nl).ToArray()).TrimEnd('\r');
                    _pending.RemoveRange(0, nl + 1);
                    return line;
                }

                await FillAsync();
            }
        }

        private async Task FillAsync()
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            int n = await stream.ReadAsync(_buffer, cts.Token);
            if (n == 0)
            {
                throw new EndOfStreamException("closed by the server");
            }

            _pending.AddRange(_buffer.AsSpan(0, n).ToArray());
        }
    }
}
