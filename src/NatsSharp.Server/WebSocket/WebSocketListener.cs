using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.WebSocket;

/// <summary>
/// The websocket port: accepts TCP, runs TLS first when configured (<c>wss://</c>), then the HTTP
/// upgrade (<see cref="WebSocketHandshake"/>), all within <c>handshake_timeout</c> when set, and hands
/// the framed stream to <paramref name="onClient"/> as a client connection. Each accepted socket is
/// handled on its own task so a slow handshake never holds up the next client.
/// </summary>
internal sealed class WebSocketListener(Socket listener, WebSocketOptions options, TlsSetup? tls, ServerLog log, Action<Socket, Stream> onClient)
{
    private const string LeafPath = "/leafnode";
    private const string MqttPath = "/mqtt";
    private readonly WebSocketOrigins _origins = new(options);
    private volatile bool _stopping;
    private Task? _acceptLoop;

    public void Start() => _acceptLoop = AcceptLoopAsync();

    public async Task StopAsync()
    {
        _stopping = true;
        listener.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (_stopping)
                {
                    return;
                }

                log.Error($"Error accepting websocket connection: {ex.Message}");
                continue;
            }

            _ = Task.Run(() => HandshakeAsync(socket));
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The transport goes to the client connection, which closes it; every refusal disposes it.")]
    private async Task HandshakeAsync(Socket socket)
    {
        socket.NoDelay = true;
        string remote = socket.RemoteEndPoint?.ToString() ?? "";
        using var timeout = options.HandshakeTimeout > TimeSpan.Zero ? new CancellationTokenSource(options.HandshakeTimeout) : new CancellationTokenSource();
        Stream transport = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (tls is not null)
            {
                var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
                transport = ssl;
                await ssl.AuthenticateAsServerAsync(tls.AuthenticationOptions, timeout.Token).ConfigureAwait(false);
            }

            WebSocketHandshake.Result result = await WebSocketHandshake.AcceptAsync(transport, _origins, tls is not null, options.Compression, timeout.Token).ConfigureAwait(false);
            if (result.Error is not null)
            {
                log.Error($"{remote} - websocket handshake error: {result.Error}");
                await transport.DisposeAsync().ConfigureAwait(false);
                return;
            }

            if (result.Path.StartsWith(LeafPath, StringComparison.Ordinal) || result.Path.StartsWith(MqttPath, StringComparison.Ordinal))
            {
                // nats-server takes leafnodes and MQTT on this port too; NatsSharp does not yet (docs/websocket.md).
                log.Error($"{remote} - websocket {(result.Path.StartsWith(LeafPath, StringComparison.Ordinal) ? "leafnode" : "MQTT")} connections are not supported by NatsSharp yet");
                await result.Stream!.DisposeAsync().ConfigureAwait(false);
                return;
            }

            if (_stopping)
            {
                await result.Stream!.DisposeAsync().ConfigureAwait(false);
                return;
            }

            onClient(socket, result.Stream!);
        }
        catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            string reason = ex is OperationCanceledException ? "i/o timeout" : ex.InnerException?.Message ?? ex.Message;
            log.Error($"websocket: http: {(tls is not null && ex is AuthenticationException ? "TLS handshake error from " + remote + ": " : remote + " - ")}{reason}");
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
