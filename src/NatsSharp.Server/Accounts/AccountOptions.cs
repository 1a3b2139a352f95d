using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Accounts;

/// <summary>One entry of <c>accounts { NAME: { users: [...], exports: [...], imports: [...], limits: {...} } }</c>.</summary>
public sealed class AccountOptions
{
    public required string Name { get; init; }

    public IReadOnlyList<User> Users { get; init; } = [];

    public IReadOnlyList<NkeyUser> NkeyUsers { get; init; } = [];

    /// <summary>Streams and services other accounts may import from this one.</summary>
    public IReadOnlyList<AccountExport> Exports { get; init; } = [];

    /// <summary>Streams and services this account takes from others.</summary>
    public IReadOnlyList<AccountImport> Imports { get; init; } = [];

    /// <summary><c>limits { max_connections, max_subscriptions, max_payload, max_leafnodes }</c>.</summary>
    public AccountLimits Limits { get; init; } = AccountLimits.None;

    /// <summary><c>mappings { }</c>: subjects published in this account that go elsewhere.</summary>
    public IReadOnlyList<SubjectMapping> Mappings { get; init; } = [];

    /// <summary><c>jetstream: enabled</c> or <c>jetstream { limits }</c>; null = JetStream is not enabled for this account.</summary>
    public JetStream.JetStreamAccountLimits? JetStream { get; init; }
}
