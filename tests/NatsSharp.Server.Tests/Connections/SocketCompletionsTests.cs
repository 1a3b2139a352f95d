using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

public sealed class SocketCompletionsTests
{
    [Fact]
    public async Task AfterPreferInlineAPendingReceiveCompletesOnTheSocketThreadNotAWorker()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") == "1")
        {
            return; // the per-socket switch is .NET's on Linux; with the process-wide one every socket is inline already
        }

        (Socket server, Socket client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            using var receiver = new SocketReceiver(server);
            Assert.True(await ReceivesOnThreadPoolAsync(receiver, client), "before: the completion is queued to a worker");

            Assert.True(SocketCompletions.PreferInline(server));
            Assert.False(await ReceivesOnThreadPoolAsync(receiver, client), "after: it runs on the epoll thread");
        }
    }

    [Fact]
    public async Task AnInlineSocketStillReceivesInOrderAndSeesThePeersClose()
    {
        (Socket server, Socket client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            SocketCompletions.PreferInline(server);
            using var receiver = new SocketReceiver(server);
            var got = new List<byte>();
            var buffer = new byte[16];
            for (byte i = 0; i < 50; i++)
            {
                ValueTask<int> receive = receiver.ReceiveAsync(buffer);
                client.Send([i]);
                int n = await receive.AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                got.AddRange(buffer.AsSpan(0, n).ToArray()); // one byte was sent, one is received
            }

            Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), got);
            ValueTask<int> end = receiver.ReceiveAsync(buffer);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await end.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(SocketError.Success, receiver.Error);
        }
    }

    /// <summary>Starts a receive that has to wait, then sends one byte: whether the receive resumed on a thread-pool thread.</summary>
    private static async Task<bool> ReceivesOnThreadPoolAsync(SocketReceiver receiver, Socket client)
    {
        var buffer = new byte[16];
        ValueTask<int> receive = receiver.ReceiveAsync(buffer);
        Assert.False(receive.IsCompleted); // nothing sent yet: it waits for the epoll thread
        Task<bool> resumedOn = ResumedOnThreadPoolAsync(receive);
        client.Send([1]);
        return await resumedOn.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<bool> ResumedOnThreadPoolAsync(ValueTask<int> receive)
    {
        Assert.Equal(1, await receive.ConfigureAwait(false));
        return Thread.CurrentThread.IsThreadPoolThread;
    }

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TimeSpan.FromSeconds(30));
        Socket server = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (server, client);
    }
}
