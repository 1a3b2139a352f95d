namespace NatsSharp.Server.Protocol;

internal enum Verb
{
    Unknown,
    Pub,
    HPub,
    Sub,
    Unsub,
    Ping,
    Pong,
    Connect,
    Info,
    Ok,
    Err,
    HMsg,

    /// <summary>Parsed and without effect (a leafnode LS- that can match no subscription).</summary>
    Ignored,

    // Route protocol (RouteMode only).
    RSub,
    RUnsub,
    RMsg,
    LSub,
    LUnsub,
    LMsg,
}
