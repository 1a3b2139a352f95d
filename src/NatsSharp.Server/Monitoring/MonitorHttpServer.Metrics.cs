using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary><c>/metrics</c>: the server's meter in the Prometheus text format (NatsSharp only; nats-server has none).</summary>
internal sealed partial class MonitorHttpServer
{
    private MonitorHttpResponse Metrics() => new()
    {
        ContentType = PrometheusText.ContentType,
        Body = Encoding.UTF8.GetBytes(PrometheusText.Render(_monitor.Metrics.Meter)),
    };
}
