using Microsoft.AspNetCore.Http;

namespace NatsSharp.Server.Monitoring;

/// <summary><c>/metrics</c>: the server's meter in the Prometheus text format (NatsSharp only; nats-server has none).</summary>
internal sealed partial class MonitorHttpServer
{
    private async Task WriteMetricsAsync(HttpContext context)
    {
        string text = PrometheusText.Render(_monitor.Metrics.Meter);
        context.Response.ContentType = PrometheusText.ContentType;
        await context.Response.WriteAsync(text).ConfigureAwait(false);
    }
}
