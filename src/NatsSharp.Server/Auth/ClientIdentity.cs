namespace NatsSharp.Server.Auth;

/// <summary>Who a client authenticated as, and what it may do (null permissions = everything).</summary>
internal sealed class ClientIdentity
{
    public static readonly ClientIdentity Anonymous = new("", "", null);

    public ClientIdentity(string user, string nkey, CompiledPermissions? permissions, string account = Auth.Account.GlobalName)
    {
        User = user;
        Nkey = nkey;
        Permissions = permissions;
        Account = account;
    }

    /// <summary>The account the user belongs to (<c>$G</c> for users outside any account).</summary>
    public string Account { get; }

    public string User { get; }

    public string Nkey { get; }

    public CompiledPermissions? Permissions { get; }

    /// <summary>How nats-server names the user in violation logs (getAuthUser).</summary>
    public string LogName => Nkey.Length > 0 ? $"Nkey \"{Nkey}\"" : User.Length > 0 ? $"User \"{User}\"" : "User \"N/A\"";
}
