using NatsSharp.Server.Accounts;
using NatsSharp.Server.Connections;
using NatsSharp.Server.SystemAccount;

namespace NatsSharp.Server;

/// <summary>
/// The system account: <c>system_account</c>, else the <c>$SYS</c> account nats-server creates
/// unless <c>no_system_account</c> is set, and the services and events it carries.
/// </summary>
public sealed partial class NatsServer
{
    internal const string DefaultSystemAccount = "$SYS";

    /// <summary>The system account's services and events, or null without a system account (or before start).</summary>
    internal SystemServices? SystemEvents { get; private set; }

    /// <summary>The system account's name, or null when there is none (as /varz and /accountz report it).</summary>
    internal string? SystemAccountName => SystemAccountNameOf(Options);

    internal static string? SystemAccountNameOf(ServerOptions options) =>
        options.SystemAccount.Length > 0 ? options.SystemAccount
        : options.Accounts.Any(a => a.Name == DefaultSystemAccount) || !options.NoSystemAccount ? DefaultSystemAccount
        : null;

    /// <summary>At start, after the accounts' own imports: creates <c>$SYS</c> when needed and starts its services.</summary>
    private void StartSystemAccount()
    {
        if (SystemAccountName is not { } name)
        {
            return;
        }

        if (FindAccount(name) is null)
        {
            Accounts.AddOrUpdate(new AccountOptions { Name = name });
            Log.Debug($"Created system account: \"{name}\"");
        }

        SystemEvents = new SystemServices(this, FindAccount(name)!);
        SystemEvents.Start();
    }

    /// <summary>First thing at shutdown: the SHUTDOWN event goes out while the routes are still up.</summary>
    private async Task StopSystemAccountAsync()
    {
        if (SystemEvents is { } events)
        {
            await events.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>From the client's CONNECT handling and close path.</summary>
    internal void OnClientConnected(ClientConnection client) => SystemEvents?.ClientConnected(client);

    internal void OnClientClosed(ClientConnection client, ClosedReason reason) => SystemEvents?.ClientClosed(client, reason);
}
