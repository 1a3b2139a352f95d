namespace NatsSharp.Server.Auth;

/// <summary>One entry of <c>accounts { NAME: { users: [...] } }</c>: an isolated subject space and its users.</summary>
public sealed class AccountOptions
{
    public required string Name { get; init; }

    public IReadOnlyList<User> Users { get; init; } = [];

    public IReadOnlyList<NkeyUser> NkeyUsers { get; init; } = [];
}
