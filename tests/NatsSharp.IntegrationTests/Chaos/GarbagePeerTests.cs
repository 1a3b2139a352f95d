using System.Net.Sockets;
using NATS.Client.Core;
using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// Garbage, half-open peers and truncated handshakes on the route, leafnode and websocket ports
/// while clients do request/reply: every request is answered and the server stays up, on both servers.
/// </summary>
public class GarbagePeerTests(ITestOutputHelper output)
{
    private const int Requests = 300;

    [Theory]
    [InlineData(ServerKind.NatsSharp)]
    [InlineData(ServerKind.NatsServer)]
    public async Task Garbage_and_half_open_peers_do_not_disturb_request_reply(ServerKind kind)
    {
        int leafPort = Infrastructure.FreePort.Next();
        int wsPort = Infrastructure.FreePort.Next();
        int routePort = Infrastructure.FreePort.Next();
        string file = Path.Combine(Directory.CreateTempSubdirectory("garbage-").FullName, "server.conf");
        await File.WriteAllTextAsync(file,
            $"cluster {{ listen: \"127.0.0.1:{routePort}\", name: chaos }}\n" +
            $"leafnodes {{ listen: \"127.0.0.1:{leafPort}\" }}\n" +
            $"websocket {{ listen: \"127.0.0.1:{wsPort}\", no_tls: true }}\n");
        await using var node = new ChaosNode(kind, "garbage", [], "-c", file);
        await node.StartAsync();
        await using NatsConnection responder = await ChaosClients.ConnectAsync(node.Url, "responder", reconnect: false);
        await using NatsConnection requester = await ChaosClients.ConnectAsync(node.Url, "requester", reconnect: false);
        using var stop = new CancellationTokenSource();
        INatsSub<int> service = await responder.SubscribeCoreAsync<int>("svc", cancellationToken: stop.Token);
        await responder.PingAsync();
        Task serving = Task.Run(async () =>
        {
            try
            {
                await foreach (NatsMsg<int> msg in service.Msgs.ReadAllAsync(stop.Token))
                {
                    await msg.ReplyAsync(msg.Data + 1, cancellationToken: stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var peers = new List<Socket>();
        Task attacking = AttackAsync([routePort, leafPort, wsPort], peers, stop.Token);
        int answered = 0;
        for (int i = 0; i < Requests; i++)
        {
            NatsMsg<int> reply = await requester.RequestAsync<int, int>("svc", i);
            answered += reply.Data == i + 1 ? 1 : 0;
        }

        await stop.CancelAsync();
        await attacking;
        await serving;
        bool alive = node.Pid is not null && await ChaosNode.AcceptsAsync(node.ClientPort);
        ChaosReport.Figure(output, "garbage-peers", kind, $"{answered}/{Requests} requests answered with {peers.Count} garbage/half-open peers on route, leaf and websocket ports; server up: {alive}");
        foreach (Socket s in peers)
        {
            s.Dispose();
        }

        Assert.Equal(Requests, answered);
        Assert.True(alive);
    }

    /// <summary>Rounds of: random bytes, a connection that says nothing (half-open), a handshake cut in the middle.</summary>
    private static async Task AttackAsync(int[] ports, List<Socket> peers, CancellationToken stop)
    {
        var random = new Random(16);
        byte[][] partial = ["CONNECT {\"verbose\":"u8.ToArray(), "GET / HTTP/1.1\r\nUpgrade: websocket\r\n"u8.ToArray(), "INFO {\"server_id\""u8.ToArray(), "RMSG $G foo 100000\r\nxx"u8.ToArray()];
        for (int round = 0; round < 40 && !stop.IsCancellationRequested; round++)
        {
            foreach (int port in ports)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                peers.Add(socket);
                try
                {
                    await socket.ConnectAsync("127.0.0.1", port, stop);
                    switch (round % 3)
                    {
                        case 0:
                            byte[] garbage = new byte[random.Next(1, 4096)];
                            random.NextBytes(garbage);
                            await socket.SendAsync(garbage, stop);
                            break;
                        case 1:
                            break; // half-open: connected, silent
                        default:
                            await socket.SendAsync(partial[round % partial.Length], stop);
                            break;
                    }
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                }
            }

            try
            {
                await Task.Delay(5, stop); // pacing, not synchronization
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
