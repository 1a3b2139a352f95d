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

    /// <summary>
    /// Reloads the configuration file, as SIGHUP does; set by the host that knows how to read it
    /// (the daemon: file, includes, command-line flags that win). Returns null or the reason it failed.
    /// </summary>
    public Func<string?>? ConfigReloader { get; set; }

    /// <summary>For <c>$SYS.REQ.SERVER.&lt;id&gt;.RELOAD</c>: null, or nats-server's reason.</summary>
    internal string? ReloadConfigFile() =>
        ConfigReloader is { } reload ? reload() : "can only reload config when a file is provided using -c or --config";

    /// <summary>For <c>KICK</c>: closes client <paramref name="cid"/> with reason "Kicked".</summary>
    internal string? KickClient(ulong cid)
    {
        if (!_clients.TryGet(cid, out ClientConnection? client) || client is null)
        {
            return "no such client or leafnode id";
        }

        client.Close(ClosedReason.Kicked, flushFirst: true);
        return null;
    }

    /// <summary>For <c>LDM</c>: sends client <paramref name="cid"/> an INFO with <c>ldm:true</c> so it reconnects elsewhere.</summary>
    internal string? SendLameDuckInfo(ulong cid)
    {
        if (!_clients.TryGet(cid, out ClientConnection? client) || client is null)
        {
            return "no such client id";
        }

        lock (ClientInfo.AsyncLock)
        {
            client.SendAsyncInfo(lameDuck: true);
        }

        return null;
    }

    /// <summary>From the client's CONNECT handling and close path.</summary>
    internal void OnClientConnected(ClientConnection client) => SystemEvents?.ClientConnected(client);

    internal void OnClientClosed(ClientConnection client, ClosedReason reason) => SystemEvents?.ClientClosed(client, reason);
}
