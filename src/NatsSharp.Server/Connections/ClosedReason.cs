namespace NatsSharp.Server.Connections;

/// <summary>Why a connection ended; <see cref="ClosedReasonText"/> gives nats-server's wording.</summary>
public enum ClosedReason
{
    ClientClosed,
    ServerShutdown,
    SlowConsumerPendingBytes,
    SlowConsumerWriteDeadline,
    StaleConnection,
    ProtocolViolation,
    ParseError,
    AuthenticationFailure,
    AuthenticationTimeout,
    MaxPayloadExceeded,
    MaxControlLineExceeded,
    MaxConnectionsExceeded,
    BadClientProtocolVersion,
    NoRespondersRequiresHeaders,
    WriteError,
    ReadError,
    TlsHandshakeError,
    RouteRemoved,
    DuplicateRoute,
    DuplicateServerName,
    ClusterNameConflict,
    IncorrectPort,
    MaxAccountConnectionsExceeded,
    MaxSubscriptionsExceeded,

    /// <summary>Closed by a <c>$SYS.REQ.SERVER.&lt;id&gt;.KICK</c> request (nats-server 2.10).</summary>
    Kicked,
}
