namespace NatsSharp.Server.LeafNodes;

/// <summary>An entry of <c>leafnodes.authorization.users</c>: credentials a leaf presents and the account it binds to.</summary>
public sealed class LeafUser
{
    public required string Username { get; init; }

    /// <summary>Plain text or a bcrypt hash, as for client users.</summary>
    public string Password { get; init; } = "";

    /// <summary>The local account the leaf connection binds to; empty means <c>$G</c>.</summary>
    public string Account { get; init; } = "";
}
