using System.Net.Sockets;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// What a connection closed for a protocol error delivers to a peer that reads only after the close,
/// when the peer sent more than the server read. nats-server 2.9.10 closes such a socket with the input
/// unread: the kernel resets it and drops what it still held for the peer (the tail of a flush larger than
/// the peer's socket buffer; under load, a segment the loopback dropped and would have sent again: the
/// fuzzer's flaky 707501 and 709376 lost their +OK and -ERR). NatsSharp sends its FIN and reads on to the
/// peer's (Connection.Linger.cs): everything it flushed arrives, on every port (docs/compatibility.md).
/// </summary>
public class CloseLingerTests
{
    private const int Messages = 256; // 256 KB of messages: more than the peer's socket buffer holds, less than the server's
    private const string Error = "-ERR 'Unknown Protocol Operation'\r\n";
    private static readonly string Payload = new('x', 1000);
    private static readonly byte[] Unread = Enumerable.Repeat((byte)'z', 256 * 1024).ToArray(); // sent after the error, never parsed

    /// <summary>The shape of the flaky fuzz streams: +OK for a verbose CONNECT, then a payload end that is no CRLF.</summary>
    [Fact]
    public async Task Verbose_ok_and_the_error_arrive_though_the_rest_of_the_write_is_unread()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);
        byte[] stream = [.. Encoding.ASCII.GetBytes("CONNECT {\"verbose\":true}\r\nPUB foo 0\r\n\rUNSUB 1\r\n"), .. Unread];

        foreach ((string name, int port, int monitorPort) in new[] { ("nats-server", real.Port, real.MonitorPort), ("NatsSharp", ours.Port, ours.Server.MonitorPort) })
        {
            using var http = new MonitorHttp(monitorPort);
            (string replies, _) = await PlayReadingLateAsync(port, stream, async () =>
                await Eventually.JsonAsync(http, "/connz?state=closed", c => c.GetProperty("total").GetInt32() == 1));
            Assert.True(replies == "+OK\r\n" + Error, $"{name}: {replies}");
        }
    }

    /// <summary>
    /// The regression: the client's own messages fill its socket buffer, then a protocol error. nats-server's
    /// reset drops the tail (what it gives is a prefix of ours); NatsSharp delivered only as much before.
    /// </summary>
    [Fact]
    public async Task Everything_flushed_before_an_error_close_arrives_at_a_client_that_reads_late()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);
        var text = new StringBuilder("CONNECT {\"verbose\":false}\r\nSUB foo 1\r\n");
        for (int i = 0; i < Messages; i++)
        {
            text.Append("PUB foo 1000\r\n").Append(Payload).Append("\r\n");
        }

        byte[] stream = [.. Encoding.ASCII.GetBytes(text.Append("XYZ\r\n").ToString()), .. Unread];
        string expected = string.Concat(Enumerable.Repeat("MSG foo 1 1000\r\n" + Payload + "\r\n", Messages)) + Error;

        var results = new Dictionary<string, (string Replies, bool Reset)>();
        foreach ((string name, int port, int monitorPort) in new[] { ("nats-server", real.Port, real.MonitorPort), ("NatsSharp", ours.Port, ours.Server.MonitorPort) })
        {
            using var http = new MonitorHttp(monitorPort);
            results[name] = await PlayReadingLateAsync(port, stream, async () =>
                await Eventually.JsonAsync(http, "/connz?state=closed", c => c.GetProperty("total").GetInt32() == 1));
        }

        (string replies, bool reset) = results["NatsSharp"];
        Assert.True(replies == expected && !reset, $"NatsSharp: {Describe(replies, "MSG foo 1 1000\r\n")}, reset: {reset}");
        Assert.True(expected.StartsWith(results["nats-server"].Replies, StringComparison.Ordinal), "nats-server: " + Describe(results["nats-server"].Replies, "MSG foo 1 1000\r\n"));
    }

    /// <summary>The same on the route and leafnode ports (their own close path): the peer's messages, then -ERR for garbage.</summary>
    [Theory]
    [InlineData("route")]
    [InlineData("leaf")]
    public async Task Everything_flushed_before_an_error_close_arrives_at_a_peer_that_reads_late(string kind)
    {
        NatsServer ours = await ConfiguredServer.StartAsync(
            $"no_system_account: true\ncluster {{ name: fuzz, listen: \"127.0.0.1:{FreePort.Next()}\" }}\nleafnodes {{ listen: \"127.0.0.1:{FreePort.Next()}\" }}\n");
        try
        {
            bool route = kind == "route";
            Func<int> peers = route ? () => ours.RouteCount : () => ours.LeafNodeCount;
            string handshake = route
                ? "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"LATEROUTE\",\"cluster\":\"fuzz\",\"headers\":true}\r\n"
                    + "INFO {\"server_id\":\"LATEROUTE\",\"name\":\"LATEROUTE\",\"version\":\"2.9.10\",\"proto\":1,\"headers\":true,\"cluster\":\"fuzz\"}\r\n"
                    + "RS+ $G foo\r\nPING\r\n"
                : "CONNECT {\"name\":\"LATELEAF\",\"headers\":true,\"verbose\":false,\"pedantic\":false}\r\nLS+ foo\r\nPING\r\n";
            string line = route ? "RMSG $G foo 1000\r\n" : "LMSG foo 1000\r\n";

            (string replies, bool reset) = await PlayReadingLateAsync(route ? ours.ClusterPort : ours.LeafNodePort, [.. Encoding.ASCII.GetBytes("XYZ\r\n"), .. Unread],
                closed: () => Eventually.TrueAsync(() => peers() == 0, $"the {kind} closed", TimeSpan.FromSeconds(20)),
                before: async socket =>
                {
                    await socket.SendAsync(Encoding.ASCII.GetBytes(handshake), SocketFlags.None);
                    await ReadUntilAsync(socket, "PONG\r\n");
                    await Eventually.TrueAsync(() => peers() == 1, $"the {kind} registered");
                    await using RawClient publisher = await RawClient.ConnectedAsync(ours.Port);
                    var text = new StringBuilder();
                    for (int i = 0; i < Messages; i++)
                    {
                        text.Append("PUB foo 1000\r\n").Append(Payload).Append("\r\n");
                    }

                    await publisher.SendAsync(text.Append("PING\r\n").ToString());
                    await publisher.ExpectAsync("PONG", TimeSpan.FromSeconds(20)); // its messages are queued to the peer
                });

            // The server may send PINGs, an INFO or its own interest too: the messages and the end are what counts.
            int count = (replies.Length - replies.Replace(line, "", StringComparison.Ordinal).Length) / line.Length;
            Assert.True(count == Messages && replies.EndsWith(Error, StringComparison.Ordinal) && !reset, $"{kind}: {Describe(replies, line)}, reset: {reset}");
        }
        finally
        {
            await ours.StopAsync();
        }
    }

    /// <summary>
    /// Connects, reads INFO, runs <paramref name="before"/> (reading what it needs), then writes
    /// <paramref name="stream"/> and closes the sending half (in the background: the server stops reading),
    /// waits until <paramref name="closed"/> says the server has closed the connection, and only then reads to
    /// the end: what came after INFO (and after what <paramref name="before"/> read), and whether it ended in a reset.
    /// </summary>
    private static async Task<(string Replies, bool Reset)> PlayReadingLateAsync(int port, byte[] stream, Func<Task> closed, Func<Socket, Task>? before = null)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync("127.0.0.1", port, cts.Token);
        await ReadUntilAsync(socket, "\r\n"); // INFO
        if (before is not null)
        {
            await before(socket);
        }

        Task send = Task.Run(async () =>
        {
            try
            {
                await socket.SendAsync(stream, SocketFlags.None, cts.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // nats-server reset the connection under the write.
            }
        });

        await closed();
        var received = new List<byte>();
        byte[] buffer = new byte[64 * 1024];
        bool reset = false;
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            reset = true; // what came before the reset was read
        }

        await send.WaitAsync(TimeSpan.FromSeconds(30));
        return (Encoding.ASCII.GetString(received.ToArray()), reset);
    }

    /// <summary>Reads (byte by byte, so nothing after it is taken) until the bytes read end with <paramref name="end"/>.</summary>
    private static async Task ReadUntilAsync(Socket socket, string end)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = new StringBuilder();
        byte[] one = new byte[1];
        while (!read.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            int n = await socket.ReceiveAsync(one, SocketFlags.None, cts.Token);
            Assert.True(n == 1, $"closed while waiting for {end.Trim()}: {read}");
            read.Append((char)one[0]);
        }
    }

    private static string Describe(string replies, string line)
    {
        int count = (replies.Length - replies.Replace(line, "", StringComparison.Ordinal).Length) / line.Length;
        return $"{count} of {Messages} messages, {replies.Length} bytes, ending \"{replies[Math.Max(0, replies.Length - 60)..].ReplaceLineEndings("\\n")}\"";
    }
}
