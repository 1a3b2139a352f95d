namespace NatsSharp.Server.Monitoring;

/// <summary>A request head as the monitoring port uses it: the method, the decoded path, the raw query and how the connection goes on.</summary>
internal sealed class MonitorHttpRequest
{
    public required string Method { get; init; }

    /// <summary>Percent-decoded, as Go's <c>URL.Path</c>; "*" for <c>OPTIONS *</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The query as sent, without the '?'.</summary>
    public required string RawQuery { get; init; }

    /// <summary>False for HTTP/1.0: the status line says 1.0 and keep-alive must be asked for.</summary>
    public required bool Http11 { get; init; }

    /// <summary>Whether the client keeps the connection for another request (1.1 unless "close", 1.0 only with "keep-alive").</summary>
    public required bool KeepAlive { get; init; }

    /// <summary>The body's Content-Length (0 when none); skipped after the answer.</summary>
    public required long ContentLength { get; init; }

    /// <summary>A chunked body, or a body the client waits to be asked for (Expect: 100-continue): answered, then the connection closes.</summary>
    public required bool UnreadBody { get; init; }

    /// <summary>An Expect other than 100-continue: Go answers 417 and closes.</summary>
    public required bool ExpectationFailed { get; init; }

    public bool IsHead => Method == "HEAD";
}
