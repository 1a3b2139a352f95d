using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NatsSharp.Server;
using NatsSharp.Server.Connections;

namespace NatsSharp.Benchmarks;

/// <summary>
/// The message hot path without sockets: parse a read buffer of PUBs, match each subject in
/// the Sublist, and write MSG into the subscriber's outbound buffer. The memory diagnoser
/// must show 0 bytes allocated per message.
/// </summary>
[MemoryDiagnoser]
public class MessagePathBenchmarks
{
    private const int MessagesPerRead = 100;

    private NatsServer? _server;
    private ClientConnection? _publisher;
    private ClientConnection? _subscriber;
    private ClientConnection? _headerSubscriber;
    private byte[] _pubBatch = [];
    private byte[] _hpubBatch = [];

    [GlobalSetup]
    public void Setup()
    {
        _server = new NatsServer(new ServerOptions());
        _publisher = Connect(1, "{\"verbose\":false,\"pedantic\":false,\"headers\":true}");
        _subscriber = Connect(2, "{\"verbose\":false,\"pedantic\":false}");
        _headerSubscriber = Connect(3, "{\"verbose\":false,\"pedantic\":false,\"headers\":true}");
        _subscriber.OnSubscribe("bench.plain"u8, default, "1"u8);
        _headerSubscriber.OnSubscribe("bench.headers"u8, default, "7"u8);

        var pub = new StringBuilder();
        var hpub = new StringBuilder();
        for (int i = 0; i < MessagesPerRead; i++)
        {
            pub.Append("PUB bench.plain 16\r\n0123456789abcdef\r\n");
            hpub.Append("HPUB bench.headers reply.to 22 38\r\nNATS/1.0\r\nTrace: 1\r\n\r\n0123456789abcdef\r\n");
        }

        _pubBatch = Encoding.ASCII.GetBytes(pub.ToString());
        _hpubBatch = Encoding.ASCII.GetBytes(hpub.ToString());
    }

    private ClientConnection Connect(ulong id, string connect)
    {
        var c = new ClientConnection(_server!, id, null!, Stream.Null);
        c.OnConnect(Encoding.ASCII.GetBytes(connect));
        c.DiscardPendingOutbound();
        return c;
    }

    [Benchmark(OperationsPerInvoke = MessagesPerRead, Description = "PUB 16B -> 1 subscriber (parse+match+write)")]
    public int PublishToOneSubscriber()
    {
        var buffer = new ReadOnlySequence<byte>(_pubBatch);
        _publisher!.ProcessBuffer(ref buffer);
        return _subscriber!.DiscardPendingOutbound();
    }

    [Benchmark(OperationsPerInvoke = MessagesPerRead, Description = "HPUB 16B+hdr -> 1 subscriber")]
    public int HeaderPublishToOneSubscriber()
    {
        var buffer = new ReadOnlySequence<byte>(_hpubBatch);
        _publisher!.ProcessBuffer(ref buffer);
        return _headerSubscriber!.DiscardPendingOutbound();
    }
}
