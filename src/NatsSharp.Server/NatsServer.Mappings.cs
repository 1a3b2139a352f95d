using NatsSharp.Server.Accounts;

namespace NatsSharp.Server;

/// <summary>Subject mappings on reload: nats-server rebuilds its accounts, so new mappings apply at once.</summary>
public sealed partial class NatsServer
{
    private void ReloadMappings(ServerOptions next)
    {
        // The accounts' own mappings were installed by ReloadAuthorization (AddOrUpdate); $G's are the top-level ones.
        SubjectMapper? old = GlobalAccount.Mapper;
        Accounts.SetGlobalMappings(next.Mappings);
        LeafNodes?.OnMappingsChanged(GlobalAccount, old);
        foreach (AccountOptions account in next.Accounts)
        {
            if (FindAccount(account.Name) is { } acc)
            {
                LeafNodes?.OnMappingsChanged(acc, null); // leaf interest is counted: a source already announced stays one LS+
            }
        }
    }
}
