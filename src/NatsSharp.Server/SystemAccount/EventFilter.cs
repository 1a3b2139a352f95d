namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// nats-server's <c>EventFilterOptions</c>: a server answers only when its name, cluster and host
/// contain the given texts, it has every tag (compared lower-cased, as jwt.TagList) and is in the domain.
/// </summary>
internal readonly record struct EventFilter(string Name, string Cluster, string Host, List<string> Tags, string Domain)
{
    public bool Skips(string serverName, string cluster, string host, IReadOnlyCollection<string> tags) =>
        (Name.Length > 0 && !serverName.Contains(Name, StringComparison.Ordinal))
        || (Host.Length > 0 && !host.Contains(Host, StringComparison.Ordinal))
        || (Cluster.Length > 0 && !cluster.Contains(Cluster, StringComparison.Ordinal))
        || Tags.Any(t => !tags.Contains(t.Trim().ToLowerInvariant())) // tags are kept lower-cased
        || Domain.Length > 0; // no JetStream domain here
}
