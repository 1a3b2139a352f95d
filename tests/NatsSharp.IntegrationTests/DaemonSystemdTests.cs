using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// systemd's Type=notify readiness protocol: natssharp sends READY=1 to $NOTIFY_SOCKET once
/// clients can connect and STOPPING=1 when it shuts down. The test is systemd: it binds the
/// unix datagram socket itself.
/// </summary>
public class DaemonSystemdTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(2, 0, false)]  // SIGINT, a socket path
    [InlineData(15, 1, true)]  // SIGTERM, an abstract socket ("@name")
    public async Task Notify_socket_gets_ready_once_clients_can_connect_and_stopping_on_a_stop_signal(int signal, int exitCode, bool abstractName)
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-notify-").FullName;
        string name = abstractName ? "natssharp-notify-" + Guid.NewGuid().ToString("N") : Path.Combine(dir, "notify.sock");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(abstractName ? "\0" + name : name));
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = abstractName ? "@" + name : name };

        await using DaemonProcess d = DaemonProcess.StartWithEnvironment(environment, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        Assert.Equal("READY=1", await ReceiveAsync(systemd, d));

        // At READY=1 the client port already accepts connections.
        int port = await d.ClientPortAsync(dir, TimeSpan.Zero); // written before READY=1
        await using (RawClient c = await RawClient.ConnectedAsync(port))
        {
            await c.SendAsync("PING\r\n");
            await c.ExpectAsync("PONG");
        }

        d.Signal(signal);
        Assert.Equal("STOPPING=1", await ReceiveAsync(systemd, d));
        Assert.Equal(exitCode, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task A_notify_socket_nobody_listens_on_does_not_stop_the_server()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-notify-").FullName;
        var environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = Path.Combine(dir, "nobody.sock") };
        await using DaemonProcess d = DaemonProcess.StartWithEnvironment(environment, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, "the ports file (signals are handled)", Bound);
        d.Signal(2);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.Contains("[INF] Server Exiting..", d.Stderr);
    }

    private static async Task<string> ReceiveAsync(Socket socket, DaemonProcess d)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(Bound);
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, n);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("no notification within the bound; natssharp said: " + d.Stderr);
            throw;
        }
    }
}
