using System.Net.Sockets;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Plain client sockets are read from the server's own epoll loop, edge-triggered (Connection.Readiness.cs,
/// docs/architecture.md): each arrival after a drained read is a new event, a command may straddle any number
/// of arrivals, a first read may hold a whole burst, and commands may come with the FIN. Side by side with
/// nats-server 2.9.10, and the daemon with the loop turned off (<c>NATSSHARP_EPOLL=0</c>) answering the same.
/// </summary>
public class ReadinessLoopTests
{
    private const string Conversation = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB a.b 1\r\nPUB a.b reply.x 5\r\nhello\r\nPING\r\n";

    [Fact]
    public async Task Commands_arriving_one_byte_at_a_time_are_answered_as_on_nats_server()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync();
        await using TestServer ours = await TestServer.StartAsync();
        foreach (int port in new[] { real.Port, ours.Port })
        {
            await using RawClient c = await RawClient.ConnectAsync(port);
            foreach (byte b in Encoding.ASCII.GetBytes(Conversation))
            {
                await c.SendAsync([b]); // NoDelay: each byte its own segment, so mostly its own event
                await Task.Delay(1);
            }

            Assert.Equal("MSG a.b 1 reply.x 5", await c.ReadLineAsync());
            Assert.Equal("hello", await c.ReadLineAsync());
            await c.ExpectAsync("PONG");
        }
    }

    [Fact]
    public async Task A_first_read_holding_CONNECT_and_a_burst_of_publishes_is_delivered_whole_and_in_order_as_on_nats_server()
    {
        const int count = 400; // ~40 KB in one write: larger than one read, handed to a worker
        await using RealNatsServer real = await RealNatsServer.StartAsync();
        await using TestServer ours = await TestServer.StartAsync();
        foreach (int port in new[] { real.Port, ours.Port })
        {
            await using RawClient sub = await RawClient.ConnectedAsync(port);
            await sub.SendAsync("SUB burst 1\r\nPING\r\n");
            await sub.ExpectAsync("PONG");

            var burst = new StringBuilder("CONNECT {\"verbose\":false,\"pedantic\":false}\r\n");
            for (int i = 0; i < count; i++)
            {
                burst.Append($"PUB burst 80\r\n{i:D8}").Append('p', 72).Append("\r\n");
            }

            await using RawClient pub = await RawClient.ConnectAsync(port);
            await pub.SendAsync(burst.Append("PING\r\n").ToString());
            await pub.ExpectAsync("PONG");

            for (int i = 0; i < count; i++)
            {
                Assert.Equal("MSG burst 1 80", await sub.ReadLineSkippingPingsAsync());
                Assert.Equal($"{i:D8}" + new string('p', 72), await sub.ReadPayloadAsync(80));
            }
        }
    }

    [Fact]
    public async Task Many_clients_each_answered_while_others_send_half_a_command_and_stall()
    {
        await using TestServer ours = await TestServer.StartAsync();
        var stalled = new List<RawClient>();
        try
        {
            for (int i = 0; i < 50; i++)
            {
                RawClient s = await RawClient.ConnectAsync(ours.Port);
                await s.SendAsync("CONNECT {\"verbose\":false}\r\nPUB stalled 100\r\nhalf"); // holds a partial command
                stalled.Add(s);
            }

            for (int i = 0; i < 50; i++)
            {
                await using RawClient c = await RawClient.ConnectedAsync(ours.Port);
                await c.SendAsync("SUB x 1\r\nPUB x 2\r\nok\r\nPING\r\n");
                Assert.Equal("MSG x 1 2", await c.ReadLineAsync());
                Assert.Equal("ok", await c.ReadLineAsync());
                await c.ExpectAsync("PONG");
            }

            // The stalled ones finish their command later and are answered (their partial command was kept).
            foreach (RawClient s in stalled)
            {
                await s.SendAsync(new string('h', 96) + "\r\nPING\r\n");
                await s.ExpectAsync("PONG");
            }
        }
        finally
        {
            foreach (RawClient s in stalled)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Theory]
    [InlineData("0")] // reads through .NET's sockets
    [InlineData("1")] // one loop
    [InlineData("3")] // three: the two connections below go to different loops
    [InlineData("")] // the default: one per 8 CPUs, at least one
    public async Task The_daemon_answers_with_and_without_its_own_loop(string epoll)
    {
        string dir = Directory.CreateTempSubdirectory("epoll-").FullName;
        await using DaemonProcess d = DaemonProcess.StartWithEnvironment(
            new Dictionary<string, string> { ["NATSSHARP_EPOLL"] = epoll }, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        int port = await d.ClientPortAsync(dir, TimeSpan.FromSeconds(30));

        await using (RawClient c = await RawClient.ConnectAsync(port))
        {
            await c.SendAsync(Conversation);
            Assert.Equal("MSG a.b 1 reply.x 5", await c.ReadLineAsync());
            Assert.Equal("hello", await c.ReadLineAsync());
            await c.ExpectAsync("PONG");
        }

        // Commands and the FIN in one go: answered, then an orderly end.
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(10));
        var received = new StringBuilder();
        byte[] buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int n = await s.ReceiveAsync(buffer, SocketFlags.None, timeout.Token); // INFO
        received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        await s.SendAsync(Encoding.ASCII.GetBytes(Conversation + "PING\r\n"), SocketFlags.None);
        s.Shutdown(SocketShutdown.Send);
        while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        string text = received.ToString();
        Assert.StartsWith("INFO {", text);
        Assert.EndsWith("MSG a.b 1 reply.x 5\r\nhello\r\nPONG\r\nPONG\r\n", text);

        // The loops are threads of their own, named for top -H: as many as asked for (none with 0).
        int loops = Directory.GetDirectories($"/proc/{d.Pid}/task").Count(t => ThreadName(t) == "natssharp epoll");
        int cpus = Environment.ProcessorCount;
        int expected = epoll.Length > 0 ? int.Parse(epoll, System.Globalization.CultureInfo.InvariantCulture) : Math.Max(1, cpus / 8);
        Assert.Equal(expected, loops);
    }

    /// <summary>A thread's name from /proc; "" for one that ended meanwhile (a pool worker may).</summary>
    private static string ThreadName(string taskDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(taskDir, "comm")).Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
