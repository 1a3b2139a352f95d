using System.Net.Security;
using System.Net.WebSockets;
using System.Text;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>A real websocket client (System.Net.WebSockets) speaking the NATS text protocol, line by line.</summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly StringBuilder _pending = new();

    private WsClient(ClientWebSocket socket) => _socket = socket;

    public WebSocket Socket => _socket;

    public static async Task<WsClient> ConnectAsync(string url, Action<ClientWebSocketOptions>? configure = null, System.Security.Cryptography.X509Certificates.X509Certificate2? ca = null)
    {
        var socket = new ClientWebSocket();
        if (ca is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                errors == SslPolicyErrors.None || (cert is not null && Security.TlsClient.Trusted(cert, ca));
        }

        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        await socket.ConnectAsync(new Uri(url), timeout.Token);
        return new WsClient(socket);
    }

    public async Task SendAsync(string text, WebSocketMessageType type = WebSocketMessageType.Binary, bool endOfMessage = true)
    {
        using var timeout = new CancellationTokenSource(RawClient.DefaultTimeout);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), type, endOfMessage, timeout.Token);
    }

    /// <summary>The next protocol line (without CRLF), whatever frames it came in.</summary>
    public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RawClient.DefaultTimeout);
        byte[] buffer = new byte[64 * 1024];
        while (true)
        {
            string text = _pending.ToString();
            int end = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.Remove(0, end + 2);
                return text[..end];
            }

            try
            {
                WebSocketReceiveResult result = await _socket.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new IOException($"websocket closed: {result.CloseStatus} {result.CloseStatusDescription}");
                }

                _pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line within the timeout; pending: {_pending}");
            }
        }
    }

    /// <summary>Reads lines (skipping server PINGs) until one starts with <paramref name="expected"/>.</summary>
    public async Task<string> ExpectAsync(string expected, TimeSpan? timeout = null)
    {
        for (int i = 0; i < 100; i++)
        {
            string line = await ReadLineAsync(timeout);
            if (line.StartsWith(expected, StringComparison.Ordinal))
            {
                return line;
            }

            if (line != "PING" && !line.StartsWith("INFO ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"expected '{expected}', got '{line}'");
            }
        }

        throw new InvalidOperationException($"expected '{expected}', not found");
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
            }
        }

        _socket.Dispose();
    }
}
