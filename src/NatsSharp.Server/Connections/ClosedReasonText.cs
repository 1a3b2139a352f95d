namespace NatsSharp.Server.Connections;

public static class ClosedReasonText
{
    /// <summary>The text nats-server logs and shows in /connz for each reason.</summary>
    public static string Of(ClosedReason reason) => reason switch
    {
        ClosedReason.ClientClosed => "Client Closed",
        ClosedReason.ServerShutdown => "Server Shutdown",
        ClosedReason.SlowConsumerPendingBytes => "Slow Consumer (Pending Bytes)",
        ClosedReason.SlowConsumerWriteDeadline => "Slow Consumer (Write Deadline)",
        ClosedReason.StaleConnection => "Stale Connection",
        ClosedReason.ProtocolViolation => "Protocol Violation",
        ClosedReason.ParseError => "Parse Error",
        ClosedReason.AuthenticationFailure => "Authentication Failure",
        ClosedReason.AuthenticationTimeout => "Authentication Timeout",
        ClosedReason.MaxPayloadExceeded => "Maximum Message Payload Exceeded",
        ClosedReason.MaxControlLineExceeded => "Maximum Control Line Exceeded",
        ClosedReason.MaxConnectionsExceeded => "Maximum Connections Exceeded",
        ClosedReason.BadClientProtocolVersion => "Bad Client Protocol Version",
        ClosedReason.NoRespondersRequiresHeaders => "No Responders Requires Headers",
        ClosedReason.WriteError => "Write Error",
        ClosedReason.ReadError => "Read Error",
        ClosedReason.TlsHandshakeError => "TLS Handshake Failure",
        ClosedReason.RouteRemoved => "Route Removed",
        ClosedReason.DuplicateRoute => "Duplicate Route",
        ClosedReason.DuplicateServerName => "Duplicate Server Name",
        ClosedReason.ClusterNameConflict => "Cluster Name Conflict",
        ClosedReason.IncorrectPort => "Incorrect Port",
        ClosedReason.MaxAccountConnectionsExceeded => "Maximum Account Connections Exceeded",
        ClosedReason.MaxSubscriptionsExceeded => "Maximum Subscriptions Exceeded",
        ClosedReason.Kicked => "Kicked",
        _ => reason.ToString(),
    };
}
