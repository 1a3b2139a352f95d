namespace NatsSharp.Server.Monitoring;

internal sealed partial class ServerMonitor
{
    /// <summary>The server's metrics, for <c>/metrics</c>.</summary>
    public ServerMetrics Metrics => _server.Metrics;
}
