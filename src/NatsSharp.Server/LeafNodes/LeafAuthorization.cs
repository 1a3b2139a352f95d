using NatsSharp.Server.Auth;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// Which local account an accepted leaf connection binds to, from its CONNECT (nats-server's
/// isLeafNodeAuthorized): the leafnodes block's own authorization if it has users, otherwise the
/// server's client users, otherwise <c>authorization.account</c> (or <c>$G</c>).
/// </summary>
internal static class LeafAuthorization
{
    /// <summary>
    /// The account to bind to and, for a leaf that logged in as a client user, that user's
    /// permissions; null to refuse the leaf.
    /// </summary>
    public static (string Account, CompiledPermissions? Permissions)? Bind(ServerOptions options, Authenticator clients, ConnectOptions connect, string? nonce)
    {
        if (BindAccount(options, clients, connect, nonce) is not { } account)
        {
            return null;
        }

        // Only client users carry permissions (leafnode users have none, as in nats-server).
        LeafNodeOptions leaf = options.LeafNodes!;
        bool clientUser = leaf.Username.Length == 0 && leaf.Users.Count == 0 && clients.Required;
        CompiledPermissions? permissions = clientUser ? clients.Authenticate(connect, nonce, null, ConnectionTypes.Leafnode)?.Permissions : null;
        return (account, permissions);
    }

    /// <summary>The account name to bind to, or null to refuse the leaf.</summary>
    public static string? BindAccount(ServerOptions options, Authenticator clients, ConnectOptions connect, string? nonce)
    {
        LeafNodeOptions leaf = options.LeafNodes!;
        string user = connect.User ?? "";
        string pass = connect.Pass ?? "";
        if (leaf.Username.Length > 0)
        {
            bool ok = SecretCompare.SameText(user, leaf.Username) & SecretCompare.PasswordMatches(leaf.Password, pass);
            return ok ? OrGlobal(leaf.Account) : null;
        }

        if (leaf.Users.Count > 0)
        {
            LeafUser? match = leaf.Users.Find(u => u.Username == user);
            return match is not null && SecretCompare.PasswordMatches(match.Password, pass) ? OrGlobal(match.Account) : null;
        }

        // No leafnode users: a leaf that presents a client user's credentials gets that user's
        // account. Without client authorization at all, nats-server binds every leaf to $G
        // (even with authorization.account set).
        if (!clients.Required)
        {
            return Account.GlobalName;
        }

        if (!string.IsNullOrEmpty(connect.Nkey) && options.AllNkeyUsers().Any())
        {
            return clients.Authenticate(connect, nonce, null, ConnectionTypes.Leafnode)?.Account;
        }

        if (options.AllUsers().Any())
        {
            if (user.Length == 0 && pass.Length == 0 && string.IsNullOrEmpty(connect.AuthToken) && clients.NoAuthIdentity is { } noAuth && noAuth.Allows(ConnectionTypes.Leafnode))
            {
                return noAuth.Account;
            }

            if (user.Length > 0)
            {
                foreach (var (u, account) in options.AllUsers())
                {
                    if (u.Username == user)
                    {
                        bool allowed = u.AllowedConnectionTypes.Count == 0 || u.AllowedConnectionTypes.Contains(ConnectionTypes.Leafnode);
                        return allowed && SecretCompare.PasswordMatches(u.Password, pass) ? account : null;
                    }
                }

                return null;
            }
        }

        // A token or single client user does not apply to leafs: they bind to the configured account.
        return OrGlobal(leaf.Account);
    }

    private static string OrGlobal(string account) => account.Length == 0 ? Account.GlobalName : account;
}
