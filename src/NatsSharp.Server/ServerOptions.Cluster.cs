using NatsSharp.Server.Cluster;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>The <c>cluster { }</c> block / <c>--cluster</c>; null = not clustered.</summary>
    public ClusterOptions? Cluster { get; set; }
}
