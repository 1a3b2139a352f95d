namespace NatsSharp.Server.Connections;

/// <summary>Who this client is, for a request it sends across an import that carries the requester (<c>$SYS.REQ.USER.INFO</c>).</summary>
internal sealed partial class ClientConnection
{
    /// <summary>The <c>Nats-Request-Info</c> JSON, or null without a system account.</summary>
    private byte[]? RequestInfoJson() => _server.SystemEvents?.RequestInfo(this);

    /// <summary>
    /// nats-server's getRawAuthUser: the nkey the client signed with, else the user it logged in as
    /// (the <c>no_auth_user</c> when the CONNECT named none), else the token it sent.
    /// </summary>
    internal string RawAuthUser =>
        ConnectInfo?.Nkey is { Length: > 0 } nkey ? nkey
        : LoginUser is { Length: > 0 } user ? user
        : ConnectInfo?.AuthToken ?? "";

    /// <summary>The permissions this client was given (null: it may do everything).</summary>
    internal Auth.Permissions? PermissionsSource => _identity.Permissions?.Source;
}
