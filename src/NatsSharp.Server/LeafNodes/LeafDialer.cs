using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.WebSocket;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// Dials one remote's hub and prepares the transport before the leafnode protocol starts:
/// TCP, then TLS right away (<c>handshake_first</c>, or under a <c>wss://</c> websocket), the
/// websocket upgrade for <c>ws://</c>/<c>wss://</c>, and otherwise the 2.9.10 order: read the
/// hub's plaintext INFO and start TLS if the remote or the hub (<c>tls_required</c>) asks for it.
/// The INFO is read here, not by the connection's read loop, because that loop's pipe cannot
/// change transport halfway; it is replayed to the connection afterwards.
/// </summary>
internal sealed class LeafDialer
{
    /// <summary>How long a hub may take to send its INFO (nats-server's DEFAULT_LEAFNODE_INFO_WAIT), and its websocket answer.</summary>
    private static readonly TimeSpan InfoWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(2);
    private const int MaxInfoLine = 64 * 1024;

    private readonly LeafRemote _remote;
    private readonly LeafRemoteTls _tls;
    private readonly ServerLog _log;

    /// <summary>Loads the remote's TLS files; throws <see cref="NatsServerException"/> naming a bad one.</summary>
    public LeafDialer(LeafRemote remote, ServerLog log)
    {
        _remote = remote;
        _log = log;
        _tls = LeafRemoteTls.Load(remote.Tls);
    }

    public LeafRemote Remote => _remote;

    private Uri[] _discovered = [];

    /// <summary>The URLs to rotate through: those the hub's cluster advertised (not already configured), then the configured ones.</summary>
    public IReadOnlyList<Uri> Urls => [.. Volatile.Read(ref _discovered), .. _remote.Urls];

    /// <summary>
    /// The hub's latest <c>leafnode_urls</c> (host:port each), as nats-server keeps them: the newest list
    /// replaces the last one. Websocket remotes keep their configured URLs (the hub's websocket URLs are not gossiped here).
    /// </summary>
    public void SetDiscovered(IEnumerable<string> hostPorts)
    {
        if (_remote.IsWebSocket)
        {
            return;
        }

        var found = new List<Uri>();
        foreach (string hostPort in hostPorts)
        {
            if (Uri.TryCreate("nats-leaf://" + hostPort, UriKind.Absolute, out Uri? url)
                && !_remote.Urls.Any(u => u.Host == url.Host && PortOf(u) == PortOf(url)))
            {
                found.Add(url);
            }
        }

        Volatile.Write(ref _discovered, [.. found]);
    }

    /// <summary>The port to dial: the URL's, 7422 for leafnode URLs without one, 80/443 for websocket URLs without one.</summary>
    public static int PortOf(Uri url) =>
        LeafRemote.IsWebSocketUrl(url) ? url.Port : (url.IsDefaultPort || url.Port <= 0 ? LeafNodeOptions.DefaultPort : url.Port);

    /// <summary>
    /// Connects to <paramref name="url"/>. A failed TCP connect throws (<see cref="SocketException"/>, or
    /// <see cref="OperationCanceledException"/> on timeout); a failed TLS, websocket or INFO step is logged and gives null.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The socket and stream move into the returned LeafDial; every failure path disposes both.")]
    public async Task<LeafDial?> DialAsync(Uri url, CancellationToken stopping)
    {
        int port = PortOf(url);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(DialTimeout);
            await socket.ConnectAsync(url.Host, port, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        string prefix = $"{url.Host}:{port} - ";
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        string step = "tls";
        try
        {
            bool webSocket = LeafRemote.IsWebSocketUrl(url);
            bool tls = false;
            if (_remote.RequiresTls(url) && (webSocket || _tls.HandshakeFirst))
            {
                stream = await HandshakeAsync(stream, url, prefix, stopping).ConfigureAwait(false);
                tls = true;
            }

            if (webSocket)
            {
                step = "websocket";
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                wait.CancelAfter(InfoWait);
                WebSocketStream ws = await LeafWebSocketHandshake.ConnectAsync(stream, url, _remote.WebSocketCompression, _remote.WebSocketNoMasking, wait.Token).ConfigureAwait(false);
                _log.Debug(prefix + $"Leafnode compression={Go(ws.Compress)} masking={Go(ws.MaskWrites)}");
                return new LeafDial(socket, ws, Tls: false);
            }

            step = "info";
            (byte[] info, byte[] rest) = await ReadInfoLineAsync(stream, stopping).ConfigureAwait(false);
            if (!tls && (_remote.RequiresTls(url) || HubRequiresTls(info)))
            {
                if (rest.Length > 0)
                {
                    throw new IOException("the hub sent more than its INFO before the TLS handshake");
                }

                step = "tls";
                stream = await HandshakeAsync(stream, url, prefix, stopping).ConfigureAwait(false);
                return new LeafDial(socket, new ReplayStream(info, stream), Tls: true);
            }

            return new LeafDial(socket, new ReplayStream([.. info, .. rest], stream), tls);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            string reason = ex is OperationCanceledException ? "timeout" : ex.Message;
            switch (step)
            {
                case "tls":
                    _log.Error(prefix + $"TLS leafnode handshake error: {reason}");
                    break;
                case "websocket":
                    _log.Error(prefix + $"Error soliciting websocket connection: {reason}");
                    break;
                default:
                    _log.Debug(prefix + $"Leafnode connection closed waiting for the hub's INFO: {reason}");
                    break;
            }

            await stream.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            return null;
        }
    }

    private async Task<Stream> HandshakeAsync(Stream stream, Uri url, string prefix, CancellationToken stopping)
    {
        _log.Debug(prefix + "Starting TLS leafnode client handshake");
        var ssl = await _tls.ConnectAsync(stream, LeafRemoteTls.ServerName(url, _remote.Urls), stopping).ConfigureAwait(false);
        _log.Debug(prefix + $"TLS handshake complete ({ssl.SslProtocol}, {ssl.NegotiatedCipherSuite})");
        return ssl;
    }

    /// <summary>Reads the hub's first line (its INFO) within the INFO wait; returns it and any bytes after it.</summary>
    private static async Task<(byte[] Line, byte[] After)> ReadInfoLineAsync(Stream stream, CancellationToken stopping)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        wait.CancelAfter(InfoWait);
        byte[] buffer = new byte[4096];
        int length = 0;
        while (true)
        {
            int newline = buffer.AsSpan(0, length).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                return (buffer[..(newline + 1)], buffer[(newline + 1)..length]);
            }

            if (length == buffer.Length)
            {
                if (length >= MaxInfoLine)
                {
                    throw new IOException("the hub's INFO is too long");
                }

                Array.Resize(ref buffer, length * 2);
            }

            int n = await stream.ReadAsync(buffer.AsMemory(length), wait.Token).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("connection closed by the hub");
            }

            length += n;
        }
    }

    /// <summary>The hub's INFO says <c>tls_required</c> (anything unreadable is left to the connection to reject).</summary>
    private static bool HubRequiresTls(byte[] line)
    {
        ReadOnlySpan<byte> span = line.AsSpan().TrimEnd("\r\n"u8);
        if (!span.StartsWith("INFO "u8))
        {
            return false;
        }

        try
        {
            return JsonSerializer.Deserialize(span[5..], ProtocolJson.Default.ServerInfo)?.TlsRequired == true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Go(bool value) => value ? "true" : "false";
}
