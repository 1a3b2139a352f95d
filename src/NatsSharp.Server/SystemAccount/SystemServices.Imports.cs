using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The system services every other account imports (nats-server's registerSystemImports): a user
/// of any account can ask <c>$SYS.REQ.SERVER.PING.CONNZ</c> or <c>$SYS.REQ.ACCOUNT.PING.CONNZ</c>
/// for its own account's connections, and <c>$SYS.REQ.ACCOUNT.PING.STATZ</c> for its statistics,
/// answered by every server that has some. The system account exports them streamed (many answers).
/// </summary>
internal sealed partial class SystemServices
{
    /// <summary>Reload added accounts: they import the system services too (nats-server registers them with every new account). Idempotent.</summary>
    internal void RefreshImports() => InstallImports();

    private void InstallImports()
    {
        AccountExport connz = new() { Kind = ExchangeKind.Service, Subject = "$SYS.REQ.ACCOUNT.*.CONNZ", ResponseType = ServiceResponseType.Streamed };
        AccountExport statz = new() { Kind = ExchangeKind.Service, Subject = "$SYS.REQ.ACCOUNT.*.STATZ", ResponseType = ServiceResponseType.Streamed };
        AccountExport subscribers = new() { Kind = ExchangeKind.Service, Subject = "$SYS.DEBUG.SUBSCRIBERS" };
        var exports = Account.Exports.ToList();
        foreach (AccountExport export in new[] { connz, statz, subscribers, UserInfoExport })
        {
            if (!exports.Any(e => e.Kind == ExchangeKind.Service && e.Subject == export.Subject))
            {
                exports.Add(export);
            }
        }

        Account.Exports = exports;
        foreach (Account importer in _server.AllAccounts.ToList())
        {
            if (importer == Account)
            {
                // The system account imports only USER.INFO, from itself (nats-server's addSystemAccountExports).
                var own = Account.ServiceImports.ToList();
                bool ownResponses = own.Any(s => s.Exporter == Account);
                ImportUserInfo(Account, own);
                Account.ServiceImports = own;
                if (!ownResponses)
                {
                    Subscribe(Account, Account.Internal, Account.Responses.WildcardSubject, Account.Responses);
                }

                continue;
            }

            string connzTo = $"$SYS.REQ.ACCOUNT.{importer.Name}.CONNZ";
            var services = importer.ServiceImports.ToList();
            bool responsesHere = services.Any(s => s.Exporter == Account); // its configured imports already bring responses back
            Import(importer, services, "$SYS.REQ.ACCOUNT.PING.CONNZ", connzTo, connz);
            Import(importer, services, "$SYS.REQ.SERVER.PING.CONNZ", connzTo, connz);
            Import(importer, services, "$SYS.REQ.ACCOUNT.PING.STATZ", $"$SYS.REQ.ACCOUNT.{importer.Name}.STATZ", statz);
            ImportUserInfo(importer, services);
            importer.ServiceImports = services;
            if (!responsesHere)
            {
                Subscribe(Account, importer.Internal, importer.Responses.WildcardSubject, importer.Responses);
            }
        }
    }

    private void Import(Account importer, List<ServiceImport> services, string from, string to, AccountExport export)
    {
        if (services.Any(s => s.From == from))
        {
            return; // configured imports win, as nats-server's serviceImportExists check
        }

        var service = new ServiceImport(importer, Account, from, to, export);
        services.Add(service);
        Subscribe(importer, importer.Internal, from, service);
    }

    /// <summary>A subscription the imports own, announced like the ones the account registry makes.</summary>
    private void Subscribe(Account account, Subscriber owner, string subject, ImportBinding binding)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(subject);
        var sub = new Subscription(owner, bytes, null, bytes) { AccountName = account.Name, Import = binding };
        account.Sublist.Insert(sub);
        _server.OnSubscriptionChanged(sub, +1);
    }
}
