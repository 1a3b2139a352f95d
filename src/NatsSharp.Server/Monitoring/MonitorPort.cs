using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The HTTP or HTTPS monitoring port: bound first of all the ports with nats-server's checks and errors; the
/// HTTP server (Kestrel, tens of milliseconds to build) is started on the bound socket by <see cref="Start"/> at
/// once, on the thread pool, while the rest of the server starts, so clients do not wait for it. Requests that
/// come before it serves wait in the accept queue.
/// </summary>
internal sealed class MonitorPort : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ServerMonitor _monitor;
    private readonly X509Certificate2? _certificate;
    private readonly string _basePath;
    private Task<MonitorHttpServer>? _http;

    private MonitorPort(Socket socket, ServerMonitor monitor, X509Certificate2? certificate, string basePath)
    {
        _socket = socket;
        _monitor = monitor;
        _certificate = certificate;
        _basePath = basePath;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Starts the HTTP server in the background; the task completes when it serves, faults when it could not start.</summary>
    public Task Start() => _http ??= Task.Run(() => MonitorHttpServer.StartAsync(_monitor, _socket, _certificate, _basePath));

    /// <summary>
    /// Null when monitoring is off; throws <see cref="NatsServerException"/> when the port cannot be opened.
    /// <paramref name="serverCertificate"/> is the tls {} certificate HTTPS uses by default.
    /// </summary>
    public static MonitorPort? Open(ServerOptions o, ServerMonitor monitor, X509Certificate2? serverCertificate, ServerLog log)
    {
        if (o.HttpPort == 0 && o.HttpsPort == 0)
        {
            return null;
        }

        if (o.HttpPort != 0 && o.HttpsPort != 0)
        {
            throw new NatsServerException($"Can't start monitoring: can't specify both HTTP ({o.HttpPort}) and HTTPs ({o.HttpsPort}) ports");
        }

        bool secure = o.HttpPort == 0;

        // HTTPS uses the server's tls {} certificate, as nats-server does; embedders may set their own.
        X509Certificate2? certificate = o.HttpsCertificate ?? serverCertificate;
        if (secure && certificate is null)
        {
            throw new NatsServerException("Can't start monitoring: TLS cert and key required for HTTPS");
        }

        string host = o.HttpHost.Length > 0 ? o.HttpHost : o.Host;
        int port = secure ? o.HttpsPort : o.HttpPort;
        int bindPort = port == ServerOptions.RandomPort ? 0 : port;
        IPAddress address = TcpListen.ResolveAddress(host);
        Socket socket;
        try
        {
            socket = TcpListen.Listen(address, bindPort);
        }
        catch (SocketException ex)
        {
            string hp = TcpListen.HostPort(host, bindPort);
            throw new NatsServerException($"Can't start monitoring: can't listen to the monitor port: listen tcp {hp}: bind: {TcpListen.ErrorText(ex)}", ex);
        }

        var monitorPort = new MonitorPort(socket, monitor, secure ? certificate : null, o.HttpBasePath);
        log.Notice($"Starting {(secure ? "https" : "http")} monitor on {TcpListen.HostPort(host, monitorPort.Port)}");
        return monitorPort;
    }

    /// <summary>Stops the HTTP server (once it has started, or failed to) and closes the port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_http is { } http)
        {
            await ((Task)http).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (http.IsCompletedSuccessfully)
            {
                await http.Result.DisposeAsync().ConfigureAwait(false);
            }
        }

        _socket.Dispose();
    }
}
