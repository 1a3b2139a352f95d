using System.Buffers;
using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Accounts;

/// <summary>An imported stream rides the message path: once set up, delivering through a shadow subscription allocates nothing.</summary>
public sealed class ImportAllocationTests
{
    [Fact]
    public async Task Delivering_an_imported_stream_allocates_nothing()
    {
        var options = new ServerOptions
        {
            Host = "127.0.0.1",
            Port = ServerOptions.RandomPort,
            Accounts =
            [
                new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }], Exports = [new AccountExport { Kind = ExchangeKind.Stream, Subject = "foo.>" }] },
                new AccountOptions
                {
                    Name = "B",
                    Users = [new User { Username = "b", Password = "b" }],
                    Imports = [new AccountImport { Kind = ExchangeKind.Stream, Account = "A", Subject = "foo.>", Prefix = "p" }],
                },
            ],
        };
        await using var server = new NatsServer(options);
        await server.StartAsync();
        ClientConnection publisher = Connect(server, 1, "a");
        ClientConnection subscriber = Connect(server, 2, "b");
        subscriber.OnSubscribe("p.foo.*"u8, default, "1"u8);
        byte[] batch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PUB foo.bar 16\r\n0123456789abcdef\r\n", 100)));

        Publish(publisher, batch); // warm up: caches, buffers
        int first = subscriber.DiscardPendingOutbound();
        Assert.Equal(100 * "MSG p.foo.bar 1 16\r\n0123456789abcdef\r\n".Length, first);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int written = 0;
        for (int i = 0; i < 100; i++)
        {
            Publish(publisher, batch);
            written += subscriber.DiscardPendingOutbound();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(100 * first, written);
        Assert.Equal(0, allocated);
    }

    private static void Publish(ClientConnection publisher, byte[] batch)
    {
        var buffer = new ReadOnlySequence<byte>(batch);
        publisher.ProcessBuffer(ref buffer);
    }

    private static ClientConnection Connect(NatsServer server, ulong id, string user)
    {
        var c = new ClientConnection(server, id, null!, Stream.Null);
        c.OnConnect(Encoding.ASCII.GetBytes($"{{\"verbose\":false,\"pedantic\":false,\"user\":\"{user}\",\"pass\":\"{user}\"}}"));
        c.DiscardPendingOutbound();
        return c;
    }
}
