namespace NatsSharp.Server.Cluster;

/// <summary>The client URLs each cluster peer advertised (its INFO's connect_urls), for client INFO.</summary>
internal sealed class PeerClientUrls
{
    private readonly Dictionary<string, string[]> _byServer = new(StringComparer.Ordinal);

    /// <summary>Records (or, with null or none, forgets) a peer's URLs; true if anything changed.</summary>
    public bool Set(string serverId, string[]? urls)
    {
        lock (_byServer)
        {
            if (urls is null || urls.Length == 0)
            {
                return _byServer.Remove(serverId);
            }

            _byServer[serverId] = urls;
            return true;
        }
    }

    /// <summary>Every peer's URLs, each once.</summary>
    public List<string> All()
    {
        lock (_byServer)
        {
            return [.. _byServer.Values.SelectMany(u => u).Distinct()];
        }
    }
}
