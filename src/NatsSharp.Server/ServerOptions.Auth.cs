using NatsSharp.Server.Auth;

namespace NatsSharp.Server;

/// <summary>Multi-user authorization: <c>authorization { users, default_permissions }</c> and <c>no_auth_user</c>.</summary>
public sealed partial class ServerOptions
{
    /// <summary>Users with a name and password (plain or bcrypt); each may carry permissions.</summary>
    public IReadOnlyList<User> Users { get; set; } = [];

    /// <summary>Users identified by an nkey; the server sends a nonce in INFO for them to sign.</summary>
    public IReadOnlyList<NkeyUser> NkeyUsers { get; set; } = [];

    /// <summary><c>no_auth_user</c>: the user a client without credentials is bound to.</summary>
    public string NoAuthUser { get; set; } = "";

    /// <summary>
    /// <c>authorization.default_permissions</c>, kept for reference: the binder has already given
    /// them to every user without permissions of its own, as nats-server does.
    /// </summary>
    public Permissions? DefaultPermissions { get; set; }
}
