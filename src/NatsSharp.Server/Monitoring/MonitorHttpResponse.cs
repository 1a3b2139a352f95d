namespace NatsSharp.Server.Monitoring;

/// <summary>An answer of the monitoring port: status, the headers nats-server sends with it, and the body.</summary>
internal sealed class MonitorHttpResponse
{
    public int Status { get; init; } = 200;

    /// <summary>Null: no Content-Type header (as Go's redirect of a POST).</summary>
    public string? ContentType { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The target of a 301.</summary>
    public string? Location { get; init; }

    /// <summary>X-Content-Type-Options: nosniff, which Go's NotFound adds.</summary>
    public bool NoSniff { get; init; }

    /// <summary>The connection closes after it (Go's answer to <c>OPTIONS *</c>, a refused Expect).</summary>
    public bool Close { get; init; }
}
