using System.Net.Sockets;
using System.Text;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// One raw TCP connection to a monitoring port, for requests HttpClient will not send (garbage, floods, stalls)
/// and to see exactly what comes back: each response's status line, headers and body, and whether the server closed.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawHttp(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawHttp> ConnectAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawHttp(tcp);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>Shuts our sending side, as a client that is done.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>
    /// Reads one response: the head, then Content-Length bytes of body, or without one everything up to the
    /// close (Go's refusals); the answer to a HEAD has no body whatever its Content-Length says. Null when the
    /// server closed before a response began.
    /// </summary>
    public async Task<HttpAnswer?> ReadResponseAsync(TimeSpan? timeout = null, bool toHead = false)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        int headEnd;
        while ((headEnd = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
        {
            if (!await FillAsync(cancel.Token))
            {
                return _pending.Count == 0 ? null : throw new InvalidOperationException("closed mid-head: " + Encoding.Latin1.GetString([.. _pending]));
            }
        }

        string[] lines = Encoding.Latin1.GetString([.. _pending.Take(headEnd)]).Split("\r\n");
        _pending.RemoveRange(0, headEnd + 4);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        byte[] body;
        if (toHead)
        {
            body = [];
        }
        else if (headers.TryGetValue("Content-Length", out string? length))
        {
            int n = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            while (_pending.Count < n && await FillAsync(cancel.Token))
            {
            }

            body = [.. _pending.Take(n)];
            _pending.RemoveRange(0, Math.Min(n, _pending.Count));
        }
        else
        {
            while (await FillAsync(cancel.Token))
            {
            }

            body = [.. _pending];
            _pending.Clear();
        }

        headers.Remove("Date");
        return new HttpAnswer(lines[0], headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>True when the server closes the connection (EOF or reset) within the bound, with nothing more sent.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await FillAsync(cancel.Token))
            {
            }

            return _pending.Count == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancel)
    {
        byte[] buffer = new byte[16 * 1024];
        int n;
        try
        {
            n = await _stream.ReadAsync(buffer, cancel);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return false;
        }

        _pending.AddRange(buffer.AsSpan(0, n));
        return n > 0;
    }

    private static int IndexOf(List<byte> data, ReadOnlySpan<byte> what)
    {
        for (int i = 0; i + what.Length <= data.Count; i++)
        {
            int j = 0;
            while (j < what.Length && data[i + j] == what[j])
            {
                j++;
            }

            if (j == what.Length)
            {
                return i;
            }
        }

        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
