using System.Diagnostics;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Every port listens with the system's maximum backlog (net.core.somaxconn), as nats-server's
/// net.Listen does: thousands of clients reconnecting at once wait in the accept queue instead of
/// overflowing it (issue 16 saw ~1,800 overflows in a 2,000-client storm with a backlog of 512).
/// </summary>
public class ListenBacklogTests
{
    [Fact]
    public async Task Client_websocket_route_and_leafnode_ports_listen_with_somaxconn()
    {
        int somaxconn = int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Cluster = new Server.Cluster.ClusterOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, Name = "c" };
            o.LeafNodes = new LeafNodeOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort };
            o.WebSocket = new WebSocketOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, NoTls = true };
        });

        foreach ((string port, int number) in new[] { ("client", server.Port), ("websocket", server.Server.WebSocketPort), ("route", server.Server.ClusterPort), ("leafnode", server.Server.LeafNodePort) })
        {
            Assert.True(number > 0, $"{port} port bound");
            Assert.Equal(somaxconn, await BacklogAsync(number));
        }
    }

    /// <summary>The listening socket's backlog as `ss -ltn` shows it (Send-Q of a LISTEN socket).</summary>
    private static async Task<int> BacklogAsync(int port)
    {
        var start = new ProcessStartInfo("ss", $"-Hltn sport = :{port}") { RedirectStandardOutput = true };
        using Process ss = Process.Start(start) ?? throw new InvalidOperationException("ss (iproute2) is needed for this test");
        string output = await ss.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await ss.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        string[] fields = output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(fields.Length >= 3 && fields[0] == "LISTEN", $"ss output for port {port}: {output}");
        return int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
