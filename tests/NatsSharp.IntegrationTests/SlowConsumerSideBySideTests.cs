using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// A subscriber that stops reading is cut as a slow consumer, by <c>write_deadline</c> or by
/// <c>max_pending</c>; /connz?state=closed names which, side by side with nats-server 2.9.10.
/// </summary>
public class SlowConsumerSideBySideTests
{
    [Theory]
    [InlineData("write_deadline", "Slow Consumer (Write Deadline)")]
    [InlineData("max_pending", "Slow Consumer (Pending Bytes)")]
    public async Task The_closed_reason_names_the_limit_as_nats_server_does(string limit, string reason)
    {
        // write_deadline: a deadline short enough to trip and a max_pending that never can; max_pending: the reverse.
        bool byDeadline = limit == "write_deadline";
        TimeSpan deadline = byDeadline ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromMinutes(1);
        long maxPending = byDeadline ? 256L * 1024 * 1024 : 256 * 1024;
        int payload = byDeadline ? 60 * 1024 : 32 * 1024;

        string file = Path.Combine(Directory.CreateTempSubdirectory("slowconsumer-").FullName, "server.conf");
        await File.WriteAllTextAsync(file, $"write_deadline: \"{(int)deadline.TotalMilliseconds}ms\"\nmax_pending: {maxPending}\nmax_payload: 65536\n");
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", file, "-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            o.WriteDeadline = deadline;
            o.MaxPending = maxPending;
            o.MaxPayload = 64 * 1024;
            o.HttpPort = ServerOptions.RandomPort;
        });

        Assert.Equal(reason, await ClosedReasonAsync(real.Port, real.MonitorPort, payload));
        Assert.Equal(reason, await ClosedReasonAsync(ours.Port, ours.Server.MonitorPort, payload));
    }

    /// <summary>
    /// A route peer that registers, asks for a subject and then stops reading: past write_deadline
    /// it counts as a slow consumer in /varz (nats-server counts every connection kind), and ours
    /// names its kind in /metrics. No other connection notices: a client still gets its PONG.
    /// </summary>
    [Fact]
    public async Task A_route_that_stops_reading_counts_as_a_slow_consumer()
    {
        string Config(int cluster) =>
            $"write_deadline: \"200ms\"\nmax_payload: 65536\ncluster {{ name: c1, listen: \"127.0.0.1:{cluster}\" }}\n";
        int realCluster = FreePort.Next();
        string file = Path.Combine(Directory.CreateTempSubdirectory("slowroute-").FullName, "server.conf");
        await File.WriteAllTextAsync(file, Config(realCluster));
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", file, "-m", "-1");
        int ourCluster = FreePort.Next();
        await File.WriteAllTextAsync(file, Config(ourCluster));
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            ServerOptions loaded = Server.Configuration.ConfigBinder.Load(file).Options;
            o.WriteDeadline = loaded.WriteDeadline;
            o.MaxPayload = loaded.MaxPayload;
            o.Cluster = loaded.Cluster;
            o.HttpPort = ServerOptions.RandomPort;
        });

        Assert.True(await StalledRouteCountsAsync(real.Port, realCluster, real.MonitorPort), "nats-server counts the stalled route");
        Assert.True(await StalledRouteCountsAsync(ours.Port, ourCluster, ours.Server.MonitorPort), "natssharp counts the stalled route");
        using var http = new MonitorHttp(ours.Server.MonitorPort);
        (_, _, string metrics) = await http.GetAsync("/metrics");
        Assert.Matches("natssharp_slow_consumers_total\\{kind=\"route\"\\} [1-9]", metrics);
    }

    private static async Task<bool> StalledRouteCountsAsync(int port, int clusterPort, int monitorPort)
    {
        using var http = new MonitorHttp(monitorPort);
        using var route = new TcpClient { ReceiveBufferSize = 4096 };
        await route.ConnectAsync("127.0.0.1", clusterPort);
        NetworkStream stream = route.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"stall\",\"cluster\":\"c1\",\"headers\":true}\r\n" +
            "INFO {\"server_id\":\"NSTALLEDROUTEPEER\",\"name\":\"stall\",\"cluster\":\"c1\",\"headers\":true}\r\n" +
            "RS+ $G firehose\r\nPING\r\n"));
        await ReadUntilPongAsync(stream); // registered, interest sent; from here on it reads nothing

        using var publisher = new TcpClient { NoDelay = true };
        await publisher.ConnectAsync("127.0.0.1", port);
        NetworkStream pub = publisher.GetStream();
        await pub.WriteAsync("CONNECT {\"verbose\":false}\r\n"u8.ToArray());
        byte[] message = Encoding.ASCII.GetBytes($"PUB firehose {60 * 1024}\r\n{new string('w', 60 * 1024)}\r\n");
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        for (int i = 0; i < 4000 && !budget.IsCancellationRequested; i++)
        {
            await pub.WriteAsync(message, budget.Token);
            if (i % 100 == 99 && (await http.JsonAsync("/varz")).GetProperty("slow_consumers").GetInt64() > 0)
            {
                break;
            }
        }

        // Another client is not held up by the stalled route.
        await using RawClient other = await RawClient.ConnectedAsync(port);
        await other.SendAsync("PING\r\n");
        await other.ExpectAsync("PONG");
        return (await http.JsonAsync("/varz")).GetProperty("slow_consumers").GetInt64() > 0;
    }

    /// <summary>Floods a subscriber that never reads until the server closes it; returns /connz's reason for it.</summary>
    private static async Task<string> ClosedReasonAsync(int port, int monitorPort, int payloadSize)
    {
        using var http = new MonitorHttp(monitorPort);
        using var stuck = new TcpClient { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync("127.0.0.1", port);
        NetworkStream stream = stuck.GetStream();
        await stream.WriteAsync("CONNECT {\"verbose\":false}\r\nSUB firehose 1\r\nPING\r\n"u8.ToArray());
        await ReadUntilPongAsync(stream); // subscribed; from here on it reads nothing

        // A plain socket for the publisher: near max_pending nats-server stalls a publisher while the stuck
        // subscriber's flush waits (up to write_deadline, a minute here), longer than RawClient's write
        // timeout; the whole flood is bounded by one budget instead.
        using var publisher = new TcpClient { NoDelay = true };
        await publisher.ConnectAsync("127.0.0.1", port);
        NetworkStream pub = publisher.GetStream();
        await pub.WriteAsync("CONNECT {\"verbose\":false}\r\n"u8.ToArray());
        byte[] message = Encoding.ASCII.GetBytes($"PUB firehose {payloadSize}\r\n{new string('w', payloadSize)}\r\n");
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        for (int i = 0; i < 2000 && ClosedCount(http) == 0; i++)
        {
            await pub.WriteAsync(message, budget.Token);
        }

        await Eventually.TrueAsync(() => ClosedCount(http) == 1, "the stuck subscriber closed", TimeSpan.FromSeconds(10));
        JsonElement closed = (await http.JsonAsync("/connz?state=closed")).GetProperty("connections")[0];
        JsonElement varz = await http.JsonAsync("/varz");
        Assert.Equal(1, varz.GetProperty("slow_consumers").GetInt64());
        return closed.GetProperty("reason").GetString() ?? "";
    }

    private static int ClosedCount(MonitorHttp http) =>
        http.JsonAsync("/connz?state=closed").GetAwaiter().GetResult().GetProperty("total").GetInt32();

    /// <summary>Reads the INFO and whatever follows until the PONG (bounded in bytes and time).</summary>
    private static async Task ReadUntilPongAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(RawClient.DefaultTimeout);
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains("PONG\r\n", StringComparison.Ordinal) && seen.Length < 64 * 1024)
        {
            int n = await stream.ReadAsync(buffer, cts.Token);
            Assert.True(n > 0, "closed before PONG: " + seen);
            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        Assert.Contains("PONG\r\n", seen.ToString(), StringComparison.Ordinal);
    }
}
