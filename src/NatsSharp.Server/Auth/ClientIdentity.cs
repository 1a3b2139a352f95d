namespace NatsSharp.Server.Auth;

/// <summary>Who a client authenticated as, and what it may do (null permissions = everything).</summary>
internal sealed class ClientIdentity
{
    public static readonly ClientIdentity Anonymous = new("", "", null);

    public ClientIdentity(string user, string nkey, CompiledPermissions? permissions)
    {
        User = user;
        Nkey = nkey;
        Permissions = permissions;
    }

    public string User { get; }

    public string Nkey { get; }

    public CompiledPermissions? Permissions { get; }

    /// <summary>How nats-server names the user in violation logs (getAuthUser).</summary>
    public string LogName => Nkey.Length > 0 ? $"Nkey \"{Nkey}\"" : User.Length > 0 ? $"User \"{User}\"" : "User \"N/A\"";
}
