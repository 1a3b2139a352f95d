using System.Net;
using System.Net.Sockets;
using System.Text;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// Issue 16, made deterministic: a peer is registered on the connection it dialled and messages
/// flow on it; then the node's own dial to that peer completes (a duplicate). nats-server keeps the
/// route in use and closes the newcomer ("Duplicate Route"); NatsSharp used to keep whichever one
/// the lower server id solicited and closed the route in use with its messages in flight.
/// </summary>
public class DuplicateRouteTests
{
    // Above any real server id (they start with 'N'), so the old "lower id's solicited one wins" rule picks the node's dial.
    private const string PeerId = "ZZDUPLICATEPEER";

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task A_duplicate_route_does_not_replace_the_route_in_use(ServerKind kind)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int peerPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var node = new ChaosNode(kind, "dup", [], "--cluster") { Routes = [$"nats-route://127.0.0.1:{peerPort}"] };
        await node.StartAsync();
        // The node dials the peer: accepted, but left unanswered for now.
        using var dialled = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using TcpClient duplicate = await listener.AcceptTcpClientAsync(dialled.Token);

        // The peer dials the node, registers and subscribes: this is the route in use.
        string info = $"INFO {{\"server_id\":\"{PeerId}\",\"name\":\"fake\",\"cluster\":\"chaos\",\"host\":\"127.0.0.1\",\"port\":{peerPort}}}\r\n";
        await using RawClient inUse = await RawClient.ConnectAsync(node.ClusterPort);
        await inUse.SendAsync($"CONNECT {{\"verbose\":false,\"pedantic\":false,\"name\":\"{PeerId}\",\"cluster\":\"chaos\"}}\r\n{info}RS+ $G dup.>\r\nPING\r\n");
        await ReadUntilAsync(inUse, "PONG");
        await using NatsConnection publisher = await ChaosClients.ConnectAsync(node.Url, "pub", reconnect: false);
        await publisher.PublishAsync("dup.before", 1);
        await publisher.PingAsync();
        await ReadUntilAsync(inUse, "RMSG $G dup.before 1");

        // Now the node's own dial completes: a second connection to the same peer.
        await duplicate.GetStream().WriteAsync(Encoding.ASCII.GetBytes(info));
        // Both servers close it (nats-server at once, NatsSharp once its standby is idle): it must not win.
        bool closed = await ClosedAsync(duplicate, TimeSpan.FromSeconds(15));
        Assert.True(closed, $"{kind}: the duplicate route stayed open (it replaced the route in use?)\n{node.Log}");

        // The route in use still carries messages.
        await publisher.PublishAsync("dup.after", 2);
        await publisher.PingAsync();
        await ReadUntilAsync(inUse, "RMSG $G dup.after 1");
    }

    /// <summary>Reads route lines (answering PINGs) until one starts with <paramref name="prefix"/>; bounded.</summary>
    private static async Task ReadUntilAsync(RawClient peer, string prefix)
    {
        for (int i = 0; i < 200; i++)
        {
            string line = await peer.ReadLineAsync();
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return;
            }

            if (line == "PING")
            {
                await peer.SendAsync("PONG\r\n");
            }
        }

        Assert.Fail($"no \"{prefix}\" in 200 lines");
    }

    /// <summary>Reads (and ignores) what the node sends on <paramref name="peer"/> until it closes; false if it is still open at the end.</summary>
    private static async Task<bool> ClosedAsync(TcpClient peer, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        byte[] buffer = new byte[4096];
        try
        {
            while (await peer.GetStream().ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset: closed too
        }
    }
}
