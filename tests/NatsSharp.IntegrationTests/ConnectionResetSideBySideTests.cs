using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// How a client's connection ends, side by side with nats-server 2.9.10: a client that resets its
/// connection (as one killed, or one that closes with unread data) is closed as a read error, one that
/// closes its socket normally as "Client Closed"; the server serves the next client either way.
/// </summary>
public class ConnectionResetSideBySideTests
{
    [Fact]
    public async Task A_reset_is_a_read_error_and_an_orderly_close_is_client_closed()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);

        Assert.Equal(("Read Error", "Client Closed"), await ClosedReasonsAsync(real.Port, real.MonitorPort));
        Assert.Equal(("Read Error", "Client Closed"), await ClosedReasonsAsync(ours.Port, ours.Server.MonitorPort));
    }

    /// <summary>
    /// Many clients resetting at once (a storm of clients that give up): every one is closed as a read
    /// error and a client connecting afterwards is served.
    /// </summary>
    [Fact]
    public async Task Clients_that_reset_mid_handshake_are_all_closed_and_the_next_is_served()
    {
        const int clients = 200;
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);

        Assert.Equal(clients, await ResetStormAsync(real.Port, real.MonitorPort, clients));
        Assert.Equal(clients, await ResetStormAsync(ours.Port, ours.Server.MonitorPort, clients));
    }

    /// <summary>
    /// A client that sends its last commands and its FIN at once gets their answers, then an orderly end (a FIN,
    /// not a reset): the server closes after the peer's FIN without lingering (Connection.Linger.cs), and a
    /// close with nothing unread sends a FIN.
    /// </summary>
    [Fact]
    public async Task A_client_that_half_closes_after_its_commands_gets_the_answers_then_the_end()
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync();
        await using TestServer ours = await TestServer.StartAsync();

        Assert.Equal("PONG\r\nPONG\r\n", await AnswersAfterHalfCloseAsync(real.Port));
        Assert.Equal("PONG\r\nPONG\r\n", await AnswersAfterHalfCloseAsync(ours.Port));
    }

    /// <summary>After INFO: CONNECT, two PINGs and the FIN in one go; what arrives until the server's FIN (a reset fails).</summary>
    private static async Task<string> AnswersAfterHalfCloseAsync(int port)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync("127.0.0.1", port).WaitAsync(RawClient.DefaultTimeout);
        var buffer = new byte[4096];
        var seen = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!seen.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            int n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(n > 0, "closed before INFO");
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        string afterInfo = seen.ToString()[(seen.ToString().IndexOf("\r\n", StringComparison.Ordinal) + 2)..];
        await s.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\nPING\r\n"u8.ToArray());
        s.Shutdown(SocketShutdown.Send);
        var answers = new StringBuilder(afterInfo);
        int read;
        while ((read = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0) // a reset throws
        {
            answers.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answers.ToString();
    }

    private static async Task<(string Reset, string Orderly)> ClosedReasonsAsync(int port, int monitorPort)
    {
        using var http = new MonitorHttp(monitorPort);
        using (Socket reset = await ConnectedSocketAsync(port, "reset"))
        {
            reset.LingerState = new LingerOption(true, 0); // close sends RST
        }

        await Eventually.TrueAsync(async () => await CountAsync(http, "closed") == 1, "the reset client closed", TimeSpan.FromSeconds(10));
        using (Socket orderly = await ConnectedSocketAsync(port, "orderly"))
        {
            orderly.Shutdown(SocketShutdown.Send); // FIN, nothing unread
            await ReadToEndAsync(orderly);
        }

        JsonElement closed = await Eventually.JsonAsync(http, "/connz?state=closed", c => c.GetProperty("total").GetInt32() == 2);
        var byName = closed.GetProperty("connections").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        return (byName["reset"].GetProperty("reason").GetString()!, byName["orderly"].GetProperty("reason").GetString()!);
    }

    /// <summary>Connects <paramref name="clients"/> that reset right after their CONNECT; returns how many were closed as read errors.</summary>
    private static async Task<int> ResetStormAsync(int port, int monitorPort, int clients)
    {
        using var http = new MonitorHttp(monitorPort);
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets.Add(s);
                await s.ConnectAsync("127.0.0.1", port).WaitAsync(RawClient.DefaultTimeout);
                await s.SendAsync("CONNECT {\"verbose\":false,\"name\":\"gone\"}\r\n"u8.ToArray());
            }

            // Every one is registered before the resets (the INFO each has not read makes a close a reset anyway).
            await Eventually.TrueAsync(async () => await CountAsync(http, "open") == clients, "all clients registered", TimeSpan.FromSeconds(30));
            foreach (Socket s in sockets)
            {
                s.LingerState = new LingerOption(true, 0);
                s.Dispose();
            }

            await Eventually.TrueAsync(async () => await CountAsync(http, "open") == 0, "all reset clients closed", TimeSpan.FromSeconds(30));
        }
        finally
        {
            foreach (Socket s in sockets)
            {
                s.Dispose();
            }
        }

        await using RawClient next = await RawClient.ConnectedAsync(port);
        JsonElement closed = await http.JsonAsync($"/connz?state=closed&limit={clients}");
        return closed.GetProperty("connections").EnumerateArray().Count(c => c.GetProperty("reason").GetString() == "Read Error");
    }

    private static async Task<Socket> ConnectedSocketAsync(int port, string name)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync("127.0.0.1", port).WaitAsync(RawClient.DefaultTimeout);
        await s.SendAsync(Encoding.ASCII.GetBytes($"CONNECT {{\"verbose\":false,\"name\":\"{name}\"}}\r\nPING\r\n"));
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(RawClient.DefaultTimeout);
        while (!seen.ToString().Contains("PONG\r\n", StringComparison.Ordinal) && seen.Length < 64 * 1024)
        {
            int n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(n > 0, "closed before PONG: " + seen);
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return s;
    }

    /// <summary>Reads until the server closes its side (bounded in time).</summary>
    private static async Task ReadToEndAsync(Socket s)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0)
        {
        }
    }

    private static async Task<int> CountAsync(MonitorHttp http, string state) =>
        (await http.JsonAsync($"/connz?state={state}")).GetProperty("total").GetInt32();
}
