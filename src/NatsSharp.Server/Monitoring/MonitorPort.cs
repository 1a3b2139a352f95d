using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The HTTP or HTTPS monitoring port: bound first of all the ports with nats-server's checks and errors, then
/// served by <see cref="MonitorHttpListener"/> from <see cref="Start"/> on. Requests that come before it serves
/// wait in the accept queue.
/// </summary>
internal sealed class MonitorPort : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly MonitorHttpListener _http;
    private bool _started;

    private MonitorPort(Socket socket, ServerMonitor monitor, X509Certificate2? certificate, string basePath, MonitorHttpLimits limits, ServerLog log)
    {
        _socket = socket;
        // As nats-server: the certificate only, no client certificates asked for; no ALPN (HTTP/1.1 only).
        SslServerAuthenticationOptions? tls = certificate is null ? null : new() { ServerCertificate = certificate, ClientCertificateRequired = false };
        _http = new MonitorHttpListener(socket, new MonitorHttpServer(monitor, basePath), tls, limits, log);
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    /// <summary>Starts serving; the returned task is complete (kept so a start that needs waiting can return one).</summary>
    public Task Start()
    {
        _started = true;
        _http.Start();
        return Task.CompletedTask;
    }

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

        var monitorPort = new MonitorPort(socket, monitor, secure ? certificate : null, o.HttpBasePath, o.MonitorHttpLimits, log);
        log.Notice($"Starting {(secure ? "https" : "http")} monitor on {TcpListen.HostPort(host, monitorPort.Port)}");
        return monitorPort;
    }

    /// <summary>Closes the port and every monitoring connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await _http.StopAsync().ConfigureAwait(false);
        }

        _socket.Dispose();
    }
}
