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

    // Route protocol (RouteMode only).
    RSub,
    RUnsub,
    RMsg,
    LSub,
    LUnsub,
    LMsg,
}
