using System.Net.Sockets;
using System.Text;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// A raw TCP client for protocol conversations: send exact bytes, read exact lines.
/// Every read is bounded by a timeout so a broken server fails the test instead of hanging it.
/// </summary>
public sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];
    private readonly byte[] _readBuffer = new byte[64 * 1024];

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawClient> ConnectAsync(int port, bool readInfo = true)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(DefaultTimeout);
        var client = new RawClient(tcp);
        if (readInfo)
        {
            client.Info = await client.ReadLineAsync();
            Assert.StartsWith("INFO {", client.Info);
        }

        return client;
    }

    /// <summary>The INFO line the server greeted us with.</summary>
    public string Info { get; private set; } = "";

    /// <summary>Connects, sends CONNECT and waits for the PONG of a PING, so the server has processed it.</summary>
    public static async Task<RawClient> ConnectedAsync(int port, string connectJson = "{\"verbose\":false,\"pedantic\":false}")
    {
        RawClient c = await ConnectAsync(port);
        await c.SendAsync($"CONNECT {connectJson}\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        return c;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(DefaultTimeout);
        await _stream.FlushAsync();
    }

    /// <summary>Reads one line (without CRLF). Throws TimeoutException if none arrives in time.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            int nl = _pending.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                int end = nl > 0 && _pending[nl - 1] == '\r' ? nl - 1 : nl;
                string line = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, nl + 1);
                return line;
            }

            await FillAsync(cts.Token);
        }
    }

    /// <summary>Reads the next line that is not a server keepalive PING (bounded: at most 10 PINGs are skipped).</summary>
    public async Task<string> ReadLineSkippingPingsAsync(TimeSpan? timeout = null)
    {
        for (int i = 0; i < 10; i++)
        {
            string line = await ReadLineAsync(timeout);
            if (line != "PING")
            {
                return line;
            }
        }

        throw new InvalidOperationException("only PINGs from the server");
    }

    /// <summary>Reads exactly n bytes (a payload), then its CRLF.</summary>
    public async Task<string> ReadPayloadAsync(int n, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (_pending.Count < n + 2)
        {
            await FillAsync(cts.Token);
        }

        string payload = Encoding.UTF8.GetString(_pending.GetRange(0, n).ToArray());
        Assert.Equal((byte)'\r', _pending[n]);
        Assert.Equal((byte)'\n', _pending[n + 1]);
        _pending.RemoveRange(0, n + 2);
        return payload;
    }

    private async Task FillAsync(CancellationToken token)
    {
        int read;
        try
        {
            read = await _stream.ReadAsync(_readBuffer, token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no data from the server in time; received so far: " + Encoding.UTF8.GetString(_pending.ToArray()));
        }

        if (read == 0)
        {
            throw new EndOfStreamException("connection closed by the server; received so far: " + Encoding.UTF8.GetString(_pending.ToArray()));
        }

        _pending.AddRange(_readBuffer.AsSpan(0, read).ToArray());
    }

    /// <summary>Reads the next line, skipping server PINGs (answered) unless asked for.</summary>
    public async Task<string> ExpectAsync(string expected, TimeSpan? timeout = null)
    {
        string line = expected == "PING" ? await ReadLineAsync(timeout) : await ReadLineSkippingPingsAsync(timeout);
        Assert.Equal(expected, line);
        return line;
    }

    /// <summary>Sends PING and returns every message that arrives before the PONG, as "MSG … payload", sorted.</summary>
    public async Task<List<string>> DrainMessagesAsync()
    {
        var got = new List<string>();
        await SendAsync("PING\r\n");
        for (string line = await ReadLineSkippingPingsAsync(); line != "PONG"; line = await ReadLineSkippingPingsAsync())
        {
            got.Add(line + " " + await ReadLineAsync());
        }

        got.Sort(StringComparer.Ordinal);
        return got;
    }

    /// <summary>
    /// Reads messages until one with the payload <paramref name="marker"/> arrives and returns those before
    /// it as "MSG … payload", sorted. Probes (payload ".") and earlier markers ("marker-…") a test sent to
    /// wait for interest are left out: on a loaded machine a late one may still arrive. Bounded: each read
    /// by the default timeout, and at most 100,000 messages.
    /// </summary>
    public async Task<List<string>> MessagesUntilAsync(string marker)
    {
        var got = new List<string>();
        for (int i = 0; i < 100_000; i++)
        {
            string line = await ReadLineSkippingPingsAsync();
            Assert.StartsWith("MSG ", line);
            string payload = await ReadLineAsync();
            if (payload == marker)
            {
                got.Sort(StringComparer.Ordinal);
                return got;
            }

            if (payload != "." && !payload.StartsWith("marker-", StringComparison.Ordinal))
            {
                got.Add(line + " " + payload);
            }
        }

        throw new InvalidOperationException($"marker {marker} not seen after 100,000 messages");
    }

    /// <summary>
    /// Whether <paramref name="e"/> says the server ended the connection: an orderly close (end of stream) or
    /// a reset (it closed with our data unread). Timeouts, our own mistakes and anything else are not a close,
    /// so a test that expects a refusal does not pass on a crash.
    /// </summary>
    public static bool IsClosedByServer(Exception e) =>
        e is EndOfStreamException
        || e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted } };

    /// <summary>Reads lines until the server closes; returns them. Fails if it stays open.</summary>
    public async Task<List<string>> ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("the server did not close the connection; lines: " + string.Join(" | ", lines));
            }

            try
            {
                lines.Add(await ReadLineAsync(left));
            }
            catch (Exception e) when (IsClosedByServer(e))
            {
                return lines;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
