namespace NatsSharp.Server.LeafNodes;

/// <summary>One entry of <c>leafnodes.remotes</c>: a hub reached through any of its URLs.</summary>
public sealed class LeafRemote
{
    /// <summary><c>nats-leaf://[user:pass@]host[:port]</c> URLs (port 7422 when omitted).</summary>
    public List<Uri> Urls { get; set; } = [];
}
