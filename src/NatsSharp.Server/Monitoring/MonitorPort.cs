using System.Net;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Monitoring;

/// <summary>Opens the HTTP or HTTPS monitoring port as the options ask, with nats-server's checks and errors.</summary>
internal static class MonitorPort
{
    /// <summary>Null when monitoring is off. <paramref name="serverCertificate"/> is the tls {} certificate HTTPS uses by default.</summary>
    public static async Task<MonitorHttpServer?> StartAsync(ServerOptions o, ServerMonitor monitor, X509Certificate2? serverCertificate, ServerLog log)
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
        MonitorHttpServer http;
        try
        {
            IPAddress address = TcpListen.ResolveAddress(host);
            http = await MonitorHttpServer.StartAsync(monitor, address, bindPort, secure ? certificate : null, o.HttpBasePath).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            string hp = TcpListen.HostPort(host, bindPort);
            string why = ex.InnerException?.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) == true
                ? "address already in use"
                : ex.InnerException?.Message ?? ex.Message;
            throw new NatsServerException($"Can't start monitoring: can't listen to the monitor port: listen tcp {hp}: bind: {why}", ex);
        }

        log.Notice($"Starting {(secure ? "https" : "http")} monitor on {TcpListen.HostPort(host, http.Port)}");
        return http;
    }
}
