namespace NatsSharp.Server.Auth;

/// <summary>Who a client authenticated as, and what it may do (null permissions = everything).</summary>
internal sealed class ClientIdentity
{
    public static readonly ClientIdentity Anonymous = new("", "", null);

    public ClientIdentity(string user, string nkey, CompiledPermissions? permissions, string account = "$G" /* the global account */, IReadOnlyList<string>? allowedConnectionTypes = null)
    {
        User = user;
        Nkey = nkey;
        Permissions = permissions;
        Account = account;
        AllowedConnectionTypes = allowedConnectionTypes ?? [];
    }

    /// <summary>The kinds of connection this user may make; empty allows every kind.</summary>
    public IReadOnlyList<string> AllowedConnectionTypes { get; }

    /// <summary>Whether this user may connect as <paramref name="connectionType"/> (a <see cref="ConnectionTypes"/> name).</summary>
    public bool Allows(string connectionType) => AllowedConnectionTypes.Count == 0 || AllowedConnectionTypes.Contains(connectionType);

    /// <summary>The account the user belongs to (<c>$G</c> for users outside any account).</summary>
    public string Account { get; }

    public string User { get; }

    public string Nkey { get; }

    public CompiledPermissions? Permissions { get; }

    /// <summary>How nats-server names the user in violation logs (getAuthUser).</summary>
    public string LogName => Nkey.Length > 0 ? $"Nkey \"{Nkey}\"" : User.Length > 0 ? $"User \"{User}\"" : "User \"N/A\"";
}
