namespace NatsSharp.Server.Accounts;

/// <summary>
/// An account's <c>limits { }</c>, as nats-server 2.9.10 reads them: -1 is no limit, 0 allows none.
/// The server's own <c>max_payload</c> and <c>max_subscriptions</c> still apply when they are lower.
/// </summary>
public sealed record AccountLimits
{
    public const int NoLimit = -1;

    public static readonly AccountLimits None = new();

    /// <summary><c>max_connections</c> (<c>max_conn</c>): client connections in the account on this server.</summary>
    public int MaxConnections { get; init; } = NoLimit;

    /// <summary><c>max_subscriptions</c> (<c>max_subs</c>): subscriptions per client connection.</summary>
    public int MaxSubscriptions { get; init; } = NoLimit;

    /// <summary><c>max_payload</c> (<c>max_pay</c>): the largest message a client of the account may publish.</summary>
    public int MaxPayload { get; init; } = NoLimit;

    /// <summary><c>max_leafnodes</c> (<c>max_leafs</c>): leafnode connections bound to the account on this server.</summary>
    public int MaxLeafNodes { get; init; } = NoLimit;
}
