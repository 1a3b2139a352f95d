using System.Diagnostics.Metrics;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server;

/// <summary>The server's <see cref="System.Diagnostics.Metrics.Meter"/> ("NatsSharp.Server"), made at start and disposed at stop.</summary>
public sealed partial class NatsServer
{
    private ServerMetrics? _metrics;

    /// <summary>The meter every instrument of this server belongs to (observable: read when collected).</summary>
    public Meter Meter => Metrics.Meter;

    internal ServerMetrics Metrics => LazyInitializer.EnsureInitialized(ref _metrics, () => new ServerMetrics(this, Monitor));

    private void StopMetrics() => _metrics?.Dispose();
}
