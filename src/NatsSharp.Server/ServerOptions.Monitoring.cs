using System.Security.Cryptography.X509Certificates;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>
    /// The certificate for the HTTPS monitoring port (-ms / https_port). The TLS module sets
    /// it from the top-level tls {} block; embedders may set it directly.
    /// </summary>
    public X509Certificate2? HttpsCertificate { get; set; }

    /// <summary>The monitoring port's bounds and timeouts (internal: tests shorten them).</summary>
    internal Monitoring.MonitorHttpLimits MonitorHttpLimits { get; set; } = Monitoring.MonitorHttpLimits.Default;
}
