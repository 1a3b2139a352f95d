using NatsSharp.Server.Auth;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>The <c>accounts { }</c> block: users outside any account belong to <c>$G</c>.</summary>
    public IReadOnlyList<AccountOptions> Accounts { get; set; } = [];

    /// <summary>
    /// <c>system_account</c>: the account that carries the <c>$SYS</c> requests and events; must name a
    /// configured account, as nats-server checks at start. Empty: <c>$SYS</c>, created unless <see cref="NoSystemAccount"/>.
    /// </summary>
    public string SystemAccount { get; set; } = "";

    /// <summary><c>no_system_account</c>: no default <c>$SYS</c> account (and no system traffic) when none is configured.</summary>
    public bool NoSystemAccount { get; set; }

    /// <summary>The top-level <c>mappings { }</c>: subject mappings of the global account <c>$G</c>.</summary>
    public IReadOnlyList<SubjectMapping> Mappings { get; set; } = [];

    /// <summary>Users of the authorization block and of every account, with the account each belongs to.</summary>
    internal IEnumerable<(User User, string Account)> AllUsers() =>
        Users.Select(u => (u, Account.GlobalName)).Concat(Accounts.SelectMany(a => a.Users.Select(u => (u, a.Name))));

    internal IEnumerable<(NkeyUser User, string Account)> AllNkeyUsers() =>
        NkeyUsers.Select(u => (u, Account.GlobalName)).Concat(Accounts.SelectMany(a => a.NkeyUsers.Select(u => (u, a.Name))));
}
