namespace NatsSharp.Server.Auth;

/// <summary>An <c>authorization.users</c> entry with a user name. The password may be plain or a bcrypt hash.</summary>
public sealed class User
{
    public required string Username { get; init; }

    public string Password { get; init; } = "";

    /// <summary>Null means "everything" (or <c>default_permissions</c>, applied when the config is bound).</summary>
    public Permissions? Permissions { get; init; }

    /// <summary><c>allowed_connection_types</c> (upper case, see <see cref="ConnectionTypes"/>); empty allows every kind.</summary>
    public IReadOnlyList<string> AllowedConnectionTypes { get; init; } = [];
}
