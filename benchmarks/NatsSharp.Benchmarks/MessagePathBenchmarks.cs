using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using NatsSharp.Server;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;

namespace NatsSharp.Benchmarks;

/// <summary>
/// The message hot path without sockets: parse a read buffer of PUBs, match each subject in
/// the Sublist, and write MSG into the subscriber's outbound buffer. The memory diagnoser
/// must show 0 bytes allocated per message.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "BenchmarkDotNet ends a run with [GlobalCleanup], which stops both servers.")]
public class MessagePathBenchmarks
{
    private const int MessagesPerRead = 100;

    private NatsServer? _server;
    private ClientConnection? _publisher;
    private ClientConnection? _subscriber;
    private ClientConnection? _headerSubscriber;
    private byte[] _pubBatch = [];
    private byte[] _hpubBatch = [];

    // Account A exports foo.>, account B imports it under the prefix "p".
    private NatsServer? _importServer;
    private ClientConnection? _exporter;
    private ClientConnection? _importer;
    private byte[] _importBatch = [];

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
        SetupImport();
    }

    private void SetupImport()
    {
        _importServer = new NatsServer(new ServerOptions
        {
            Host = "127.0.0.1",
            Port = ServerOptions.RandomPort,
            Accounts =
            [
                new AccountOptions { Name = "A", Users = [new User { Username = "a", Password = "a" }], Exports = [new AccountExport { Kind = ExchangeKind.Stream, Subject = "foo.>" }] },
                new AccountOptions { Name = "B", Users = [new User { Username = "b", Password = "b" }], Imports = [new AccountImport { Kind = ExchangeKind.Stream, Account = "A", Subject = "foo.>", Prefix = "p" }] },
            ],
        });
        _importServer.StartAsync().GetAwaiter().GetResult(); // imports are linked at start
        _exporter = Connect(11, "{\"verbose\":false,\"pedantic\":false,\"user\":\"a\",\"pass\":\"a\"}", _importServer);
        _importer = Connect(12, "{\"verbose\":false,\"pedantic\":false,\"user\":\"b\",\"pass\":\"b\"}", _importServer);
        _importer.OnSubscribe("p.foo.*"u8, default, "1"u8);
        _importBatch = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PUB foo.bar 16\r\n0123456789abcdef\r\n", MessagesPerRead)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _importServer?.StopAsync().GetAwaiter().GetResult();
        _server?.StopAsync().GetAwaiter().GetResult();
    }

    private ClientConnection Connect(ulong id, string connect, NatsServer? server = null)
    {
        var c = new ClientConnection(server ?? _server!, id, null!, Stream.Null);
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

    [Benchmark(OperationsPerInvoke = MessagesPerRead, Description = "PUB 16B -> subscriber of an importing account")]
    public int PublishThroughStreamImport()
    {
        var buffer = new ReadOnlySequence<byte>(_importBatch);
        _exporter!.ProcessBuffer(ref buffer);
        return _importer!.DiscardPendingOutbound();
    }
}
