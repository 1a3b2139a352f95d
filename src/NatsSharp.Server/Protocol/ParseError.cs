namespace NatsSharp.Server.Protocol;

/// <summary>Why the parser gave up on a connection. Each maps to nats-server's reply and close reason.</summary>
internal enum ParseError
{
    None,

    /// <summary>Unknown verb, verb not allowed, missing separator, payload not followed by CRLF: <c>-ERR 'Unknown Protocol Operation'</c>.</summary>
    UnknownOperation,

    /// <summary><c>-ERR 'maximum control line exceeded'</c>.</summary>
    MaxControlLineExceeded,

    /// <summary><c>-ERR 'Maximum Payload Violation'</c>.</summary>
    MaxPayloadExceeded,

    /// <summary>Wrong argument count or a bad size: closed without -ERR, as nats-server does.</summary>
    BadArguments,

    /// <summary>HPUB on a connection that did not negotiate headers: closed without -ERR.</summary>
    HeadersNotSupported,

    /// <summary>An op other than CONNECT before CONNECT on a server that requires auth.</summary>
    AuthorizationRequired,
}
