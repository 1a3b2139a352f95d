namespace NatsSharp.Server.Auth;

/// <summary>An <c>authorization.users</c> entry identified by an nkey (a public user key, "U...").</summary>
public sealed class NkeyUser
{
    public required string PublicKey { get; init; }

    public Permissions? Permissions { get; init; }

    /// <summary><c>allowed_connection_types</c> (upper case, see <see cref="ConnectionTypes"/>); empty allows every kind.</summary>
    public IReadOnlyList<string> AllowedConnectionTypes { get; init; } = [];
}
