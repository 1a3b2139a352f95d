using System.Net.Sockets;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Streams the differential fuzzer (tests/NatsSharp.Fuzz) found answered differently, each played
/// on a raw socket against nats-server 2.9.10 and NatsSharp: the stream, a PING, then the client
/// closes its sending half and reads until the server closes. Everything but INFO must be the same.
/// </summary>
public class FuzzRegressionTests
{
    public static TheoryData<string, string> Streams => new()
    {
        // The half-close: both answer what they were sent before closing.
        { "half-close flushes the replies", "CONNECT {\"verbose\":true}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\n" },
        // A protocol violation: what was answered before it is written before the close.
        { "replies before a bad size are flushed", "CONNECT {\"verbose\":true}\r\nPING\r\nPUB foo x\r\n" },
        { "replies before HPUB without headers are flushed", "PUB foo 1\r\nx\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n" },
        // Go's decoder leaves a field given as null as it was.
        { "null CONNECT fields keep their defaults", "CONNECT {\"verbose\":null,\"headers\":null,\"protocol\":null,\"name\":null}\r\nPING\r\n" },
        { "null in a second CONNECT", "CONNECT {\"verbose\":false}\r\nCONNECT {\"verbose\":null}\r\nPING\r\n" },
        // Invalid UTF-8 in CONNECT is read as U+FFFD, not refused.
        { "invalid UTF-8 in CONNECT", "CONNECT {\"verbose\":true,\"name\":\"\u00ff\"}\r\nPING\r\n" },
        // Pedantic: the subject is checked on the control line, before the payload comes.
        { "pedantic -ERR before a bad payload end", "CONNECT {\"verbose\":false,\"pedantic\":true}\r\nPUB foo. 3\r\nabcd\r\n" },
        { "pedantic -ERR before a payload that never comes", "CONNECT {\"verbose\":false,\"pedantic\":true}\r\nPUB foo.* 500\r\nab" },
        // PUB and HPUB arguments are split on spaces and tabs only: a CR stays inside an argument.
        { "CR inside PUB arguments", "CONNECT {\"verbose\":false}\r\nPUB foo 0\rUNSUB 1\r\n" },
        { "CR inside SUB arguments", "CONNECT {\"verbose\":true}\r\nSUB foo\r1\r\n" },
    };

    /// <summary>Against servers that require a token.</summary>
    public static TheoryData<string, string> TokenStreams => new()
    {
        // Before CONNECT the first byte decides: anything but C is an authorization error, even garbage.
        { "garbage before CONNECT", "\u00e5ONNECT {}\r\n" },
        { "lowercase op before CONNECT", "Sub\r\n" },
        // Authentication is checked before the protocol version and no_responders.
        { "bad protocol without the token", "CONNECT {\"protocol\":2}\r\n" },
        { "no_responders without headers and the token", "CONNECT {\"no_responders\":true}\r\n" },
    };

    [Theory]
    [MemberData(nameof(TokenStreams))]
    public async Task Same_answer_as_nats_server_with_a_token(string name, string stream)
    {
        await using var reference = await RealNatsServer.StartAsync("--auth", "s3cr3t");
        await using var ours = await TestServer.StartAsync(o => o.AuthToken = "s3cr3t");
        byte[] bytes = Encoding.Latin1.GetBytes(stream);
        string expected = await PlayAsync(reference.Port, bytes);
        string actual = await PlayAsync(ours.Port, bytes);
        Assert.True(expected.Length > 0, $"{name}: the reference said nothing at all");
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Same_answer_as_nats_server(string name, string stream)
    {
        await using var reference = await RealNatsServer.StartAsync();
        await using var ours = await TestServer.StartAsync();
        byte[] bytes = Encoding.Latin1.GetBytes(stream);
        string expected = await PlayAsync(reference.Port, bytes);
        string actual = await PlayAsync(ours.Port, bytes);
        Assert.True(expected.Length > 0, $"{name}: the reference said nothing at all");
        Assert.Equal(expected, actual);
    }

    /// <summary>INFO, the stream and a PING, the sending half closed; everything after INFO until the server closes.</summary>
    private static async Task<string> PlayAsync(int port, byte[] stream)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(RawClient.DefaultTimeout);
        await socket.ConnectAsync("127.0.0.1", port, cts.Token);
        var received = new List<byte>();
        byte[] buffer = new byte[16 * 1024];
        while (!received.Contains((byte)'\n'))
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.True(n > 0, "closed before INFO");
            received.AddRange(buffer.AsSpan(0, n));
        }

        received.RemoveRange(0, received.IndexOf((byte)'\n') + 1);
        await socket.SendAsync(stream, SocketFlags.None, cts.Token);
        await socket.SendAsync("PING\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
        socket.Shutdown(SocketShutdown.Send);
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            // A reset after the replies: they were read before it.
        }

        return Encoding.Latin1.GetString(received.ToArray()).Replace("PING\r\n", "", StringComparison.Ordinal);
    }
}
