using NatsSharp.Server.Tls;

namespace NatsSharp.Server.LeafNodes;

/// <summary>One entry of <c>leafnodes.remotes</c>: a hub reached through any of its URLs.</summary>
public sealed class LeafRemote
{
    /// <summary>
    /// <c>nats-leaf://[user:pass@]host[:port]</c> URLs (port 7422 when omitted); <c>tls://</c> for TLS,
    /// <c>ws://</c> / <c>wss://</c> for a hub's websocket port. All of one kind: websocket or not.
    /// </summary>
    public List<Uri> Urls { get; set; } = [];

    /// <summary><c>account</c> / <c>local</c>: the local account this connection binds to; empty means <c>$G</c>.</summary>
    public string LocalAccount { get; set; } = "";

    /// <summary><c>deny_imports</c>: subjects this leaf will not receive from the hub (it does not announce interest in them).</summary>
    public IReadOnlyList<string> DenyImports { get; set; } = [];

    /// <summary><c>deny_exports</c>: subjects this leaf will not send to the hub (it ignores the hub's interest in them).</summary>
    public IReadOnlyList<string> DenyExports { get; set; } = [];

    /// <summary><c>compression</c> (2.10): validated, always negotiated off.</summary>
    public CompressionOptions Compression { get; set; } = new();

    /// <summary><c>tls { }</c>: TLS to the hub (also used when the URL is <c>tls://</c>/<c>wss://</c> or the hub requires it).</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary><c>credentials</c>: a nats creds file (user JWT + nkey seed) for a hub in operator mode.</summary>
    public string Credentials { get; set; } = "";

    /// <summary><c>ws_compression</c>: offer permessage-deflate to a websocket hub.</summary>
    public bool WebSocketCompression { get; set; }

    /// <summary><c>ws_no_masking</c>: ask the websocket hub to accept unmasked frames.</summary>
    public bool WebSocketNoMasking { get; set; }

    /// <summary>True when the URLs point at a websocket port (<c>ws://</c>, <c>wss://</c>).</summary>
    public bool IsWebSocket => Urls.Count > 0 && IsWebSocketUrl(Urls[0]);

    /// <summary>TLS whatever the hub says: a <c>tls</c> block, or a <c>tls://</c>/<c>wss://</c> URL.</summary>
    public bool RequiresTls(Uri url) => Tls is not null || url.Scheme is "tls" or "wss";

    public static bool IsWebSocketUrl(Uri url) => url.Scheme.StartsWith("ws", StringComparison.OrdinalIgnoreCase);

    public LeafRemote Clone()
    {
        var copy = (LeafRemote)MemberwiseClone();
        copy.Urls = [.. Urls];
        copy.Tls = Tls?.Clone();
        return copy;
    }

    /// <summary>Value equality, for the reload check.</summary>
    internal bool SameAs(LeafRemote other) =>
        LocalAccount == other.LocalAccount && LeafNodeOptions.SameCompression(Compression, other.Compression)
        && DenyImports.SequenceEqual(other.DenyImports) && DenyExports.SequenceEqual(other.DenyExports)
        && Urls.Select(u => u.ToString()).SequenceEqual(other.Urls.Select(u => u.ToString()), StringComparer.Ordinal)
        && TlsOptions.Same(Tls, other.Tls) && Credentials == other.Credentials
        && WebSocketCompression == other.WebSocketCompression && WebSocketNoMasking == other.WebSocketNoMasking;
}
