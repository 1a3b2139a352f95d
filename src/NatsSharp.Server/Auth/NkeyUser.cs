namespace NatsSharp.Server.Auth;

/// <summary>An <c>authorization.users</c> entry identified by an nkey (a public user key, "U...").</summary>
public sealed class NkeyUser
{
    public required string PublicKey { get; init; }

    public Permissions? Permissions { get; init; }
}
