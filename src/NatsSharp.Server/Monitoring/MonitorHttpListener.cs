using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Internal;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The monitoring port's HTTP/1.1 server: accepts on the bound socket, runs TLS first for HTTPS, then reads
/// requests one after another on each connection (keep-alive, as Prometheus and browsers reuse them) and
/// answers each through <see cref="MonitorHttpServer"/>. A hostile peer costs one small task: heads are
/// bounded, a malformed one is refused in nats-server's words and the connection closed, and idle or slow
/// peers time out (<see cref="MonitorHttpLimits"/>). Replaces Kestrel, whose start-up cost ~25 ms (docs/benchmarks.md).
/// </summary>
internal sealed class MonitorHttpListener
{
    // Go's answer on its HTTPS port to a client that speaks plain HTTP.
    private static readonly byte[] PlainHttpOnTls = "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"u8.ToArray();

    // Go reads up to 256 KB of an unread body to keep the connection; past that it closes after the answer.
    private const long MaxSkippedBody = 256 * 1024;

    private readonly Socket _listener;
    private readonly MonitorHttpServer _server;
    private readonly SslServerAuthenticationOptions? _tls;
    private readonly MonitorHttpLimits _limits;
    private readonly ServerLog _log;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly RunCounter _connections = new();
    private volatile bool _stopping;
    private Task? _acceptLoop;

    public MonitorHttpListener(Socket listener, MonitorHttpServer server, SslServerAuthenticationOptions? tls, MonitorHttpLimits limits, ServerLog log)
    {
        _listener = listener;
        _server = server;
        _tls = tls;
        _limits = limits;
        _log = log;
    }

    public void Start() => _acceptLoop ??= Task.Run(AcceptLoopAsync);

    /// <summary>Stops accepting, closes every connection (a request being answered is cut off) and waits for their tasks.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        _listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        foreach (Socket socket in _open.Keys)
        {
            socket.Dispose();
        }

        await _connections.AllEndedAsync().ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (_stopping)
                {
                    return;
                }

                // Out of file descriptors, or a connection reset while queued: Go logs and retries after a pause.
                _log.Error($"monitoring: http: Accept error: {ex.Message}; retrying in 100ms");
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            if (_stopping)
            {
                socket.Dispose();
                return;
            }

            _connections.Started();
            _open.TryAdd(socket, 0);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The SslStream wraps the NetworkStream, and the finally disposes whichever is outermost.")]
    private async Task ServeAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        HttpRequestReader? reader = null;
        using var timer = new CancellationTokenSource();
        try
        {
            socket.NoDelay = true;
            if (_tls is not null)
            {
                timer.CancelAfter(_limits.HeaderTimeout);
                if (await LooksLikePlainHttpAsync(socket, timer.Token).ConfigureAwait(false))
                {
                    await stream.WriteAsync(PlainHttpOnTls, timer.Token).ConfigureAwait(false);
                    return;
                }

                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(_tls, timer.Token).ConfigureAwait(false);
            }

            reader = new HttpRequestReader(stream, _limits.MaxHeadBytes);
            while (!_stopping)
            {
                HttpHeadResult head = await reader.ReadHeadAsync(timer, _limits.IdleTimeout, _limits.HeaderTimeout).ConfigureAwait(false);
                timer.CancelAfter(_limits.WriteTimeout);
                if (head.Request is not { } request)
                {
                    if (head.Refusal is not null)
                    {
                        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Refusal), timer.Token).ConfigureAwait(false);
                        if (head.TooLarge)
                        {
                            await CloseWriteAndDrainAsync(socket, stream).ConfigureAwait(false);
                        }
                    }

                    return;
                }

                if (!Thread.CurrentThread.IsThreadPoolThread)
                {
                    // The read resumed on a socket engine's epoll thread (inline completions): a /connz of
                    // thousands of connections would hold up every client socket of that thread.
                    await Task.Yield();
                }

                MonitorHttpResponse response = request.ExpectationFailed
                    ? new MonitorHttpResponse { Status = 417, Close = true }
                    : _server.Handle(request);
                bool bodyLeft = request.UnreadBody || request.ContentLength > MaxSkippedBody;
                bool keepAlive = request.KeepAlive && !response.Close && !bodyLeft && !_stopping;
                await HttpResponseWriter.WriteAsync(stream, request, response, keepAlive, timer.Token).ConfigureAwait(false);
                if (!keepAlive)
                {
                    if (bodyLeft)
                    {
                        await CloseWriteAndDrainAsync(socket, stream).ConfigureAwait(false);
                    }

                    return;
                }

                timer.CancelAfter(_limits.HeaderTimeout);
                if (request.ContentLength > 0 && !await reader.SkipAsync(request.ContentLength, timer.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
        {
            // The peer left, timed out, failed its TLS handshake, or the server stops: nothing to answer.
        }
        finally
        {
            reader?.Dispose();
            await stream.DisposeAsync().ConfigureAwait(false);
            _open.TryRemove(socket, out _);
            _connections.Ended();
        }
    }

    /// <summary>
    /// Go's check on its TLS port: a first record header that reads "GET /", "HEAD ", "POST ", "PUT /" or
    /// "OPTIO" is a plain HTTP client. Peeked, so the TLS handshake still sees every byte.
    /// </summary>
    private static async Task<bool> LooksLikePlainHttpAsync(Socket socket, CancellationToken cancel)
    {
        byte[] first = new byte[5];
        int n = await socket.ReceiveAsync(first, SocketFlags.Peek, cancel).ConfigureAwait(false);
        if (n < first.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> head = first;
        return head.SequenceEqual("GET /"u8) || head.SequenceEqual("HEAD "u8) || head.SequenceEqual("POST "u8) || head.SequenceEqual("PUT /"u8) || head.SequenceEqual("OPTIO"u8);
    }

    /// <summary>
    /// After refusing a peer that is still sending (an oversized head, a body left unread): shut our side and read
    /// what keeps coming for a moment, as Go waits before it closes, so the close does not reset the answer away.
    /// </summary>
    private static async Task CloseWriteAndDrainAsync(Socket socket, Stream stream)
    {
        await stream.FlushAsync().ConfigureAwait(false);
        socket.Shutdown(SocketShutdown.Send);
        await SocketDrain.UntilPeerFinAsync(socket, TimeSpan.FromMilliseconds(500), int.MaxValue).ConfigureAwait(false);
    }
}
