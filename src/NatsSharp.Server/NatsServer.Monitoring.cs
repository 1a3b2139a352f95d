using System.Net;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server;

/// <summary>The HTTP(S) monitoring port: /varz, /connz, /subsz, ... and the dashboard at /.</summary>
public sealed partial class NatsServer
{
    private ServerMonitor? _monitor;
    private MonitorHttpServer? _monitorHttp;

    /// <summary>The bound monitoring port (HTTP or HTTPS), or 0 when monitoring is off.</summary>
    public int MonitorPort { get; private set; }

    /// <summary>True when <see cref="MonitorPort"/> serves HTTPS.</summary>
    public bool MonitorIsHttps => Options.HttpPort == 0 && Options.HttpsPort != 0;

    // Created on first use by whichever thread gets there first; all callers see the same one.
    internal ServerMonitor Monitor => LazyInitializer.EnsureInitialized(ref _monitor, () => new ServerMonitor(this));

    /// <summary>Called from the single close path: keeps the connection for /connz?state=closed and its counters for /accstatz.</summary>
    internal void RecordClosed(ClientConnection client, ClosedReason reason) => Monitor.RecordClosed(client, reason);

    private async Task StartMonitoringAsync()
    {
        ServerOptions o = Options;
        if (o.HttpPort == 0 && o.HttpsPort == 0)
        {
            return;
        }

        if (o.HttpPort != 0 && o.HttpsPort != 0)
        {
            throw new NatsServerException($"Can't start monitoring: can't specify both HTTP ({o.HttpPort}) and HTTPs ({o.HttpsPort}) ports");
        }

        bool secure = o.HttpPort == 0;

        // HTTPS uses the server's tls {} certificate, as nats-server does; embedders may set their own.
        var certificate = o.HttpsCertificate ?? Tls?.Certificate;
        if (secure && certificate is null)
        {
            throw new NatsServerException("Can't start monitoring: TLS cert and key required for HTTPS");
        }

        string host = o.HttpHost.Length > 0 ? o.HttpHost : o.Host;
        int port = secure ? o.HttpsPort : o.HttpPort;
        int bindPort = port == ServerOptions.RandomPort ? 0 : port;
        try
        {
            IPAddress address = ResolveListenAddress(host);
            _monitorHttp = await MonitorHttpServer.StartAsync(Monitor, address, bindPort, secure ? certificate : null, o.HttpBasePath).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            string hp = HostPort(host, bindPort);
            string why = ex.InnerException?.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) == true
                ? "address already in use"
                : ex.InnerException?.Message ?? ex.Message;
            throw new NatsServerException($"Can't start monitoring: can't listen to the monitor port: listen tcp {hp}: bind: {why}", ex);
        }

        MonitorPort = _monitorHttp.Port;
        Log.Notice($"Starting {(secure ? "https" : "http")} monitor on {HostPort(host, MonitorPort)}");
    }

    private async Task StopMonitoringAsync()
    {
        if (_monitorHttp is { } http)
        {
            _monitorHttp = null;
            await http.DisposeAsync().ConfigureAwait(false);
        }
    }
}
