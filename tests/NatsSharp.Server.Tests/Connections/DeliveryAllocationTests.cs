using System.Text;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>
/// The message path once warm: a read of PUBs fanned out to more subscribers than a read loop keeps in
/// its touched array (the rest go to its set), and to a queue group, allocates nothing.
/// </summary>
public sealed class DeliveryAllocationTests
{
    [Fact]
    public async Task Fan_out_and_queue_delivery_allocate_nothing()
    {
        await using var server = new NatsServer(new ServerOptions());
        ClientConnection publisher = InProcessClient.Connect(server, 1);
        var subscribers = new List<ClientConnection>();
        for (int i = 0; i < 10; i++)
        {
            ClientConnection s = InProcessClient.Connect(server, (ulong)(10 + i));
            s.OnSubscribe("fan.x"u8, default, "1"u8);
            subscribers.Add(s);
        }

        for (int i = 0; i < 4; i++)
        {
            ClientConnection s = InProcessClient.Connect(server, (ulong)(30 + i));
            s.OnSubscribe("fan.x"u8, "q"u8, "2"u8);
            subscribers.Add(s);
        }

        byte[] batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PUB fan.x 16\r\n0123456789abcdef\r\n", 100)));
        InProcessClient.Publish(publisher, batch); // warm up: caches, buffers, the touched set
        int first = Drain(subscribers);
        Assert.Equal((10 + 1) * 100 * "MSG fan.x 1 16\r\n0123456789abcdef\r\n".Length, first);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int written = 0;
        for (int i = 0; i < 50; i++)
        {
            InProcessClient.Publish(publisher, batch);
            written += Drain(subscribers);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(50 * first, written);
        Assert.Equal(0, allocated);
    }

    private static int Drain(List<ClientConnection> subscribers)
    {
        int n = 0;
        foreach (ClientConnection s in subscribers)
        {
            n += s.DiscardPendingOutbound();
        }

        return n;
    }
}
