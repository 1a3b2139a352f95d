namespace NatsSharp.Server.LeafNodes;

/// <summary>One entry of <c>leafnodes.remotes</c>: a hub reached through any of its URLs.</summary>
public sealed class LeafRemote
{
    /// <summary><c>nats-leaf://[user:pass@]host[:port]</c> URLs (port 7422 when omitted).</summary>
    public List<Uri> Urls { get; set; } = [];

    /// <summary><c>account</c> / <c>local</c>: the local account this connection binds to; empty means <c>$G</c>.</summary>
    public string LocalAccount { get; set; } = "";

    /// <summary><c>compression</c> (2.10): validated, always negotiated off.</summary>
    public CompressionOptions Compression { get; set; } = new();
}
