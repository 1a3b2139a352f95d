using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Connections;
using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server;

/// <summary>
/// Exports and imports between accounts: the subscriptions that carry service requests and
/// responses across, and the shadow subscriptions that bring imported streams to subscribers.
/// </summary>
public sealed partial class NatsServer
{
    /// <summary>
    /// Links the configured accounts (at start, before clients connect): each service import
    /// subscribes in the importing account, and its responses subscribe in the exporting one.
    /// </summary>
    private void InstallImports()
    {
        Dictionary<string, AccountOptions> options = Options.Accounts.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (AccountOptions config in Options.Accounts)
        {
            Account importer = _accounts[config.Name];
            importer.Exports = config.Exports;
            var streams = new List<StreamImport>();
            var services = new List<ServiceImport>();
            var responseSubs = new HashSet<Account>();
            foreach (AccountImport import in config.Imports)
            {
                Account exporter = _accounts[import.Account];
                if (import.Kind == ExchangeKind.Stream)
                {
                    streams.Add(new StreamImport(exporter, importer, import.Subject, import.LocalSubject));
                    continue;
                }

                AccountExport export = AccountLinks.FindExport(options[import.Account], ExchangeKind.Service, import.Subject, config.Name)!;
                var service = new ServiceImport(importer, exporter, import.LocalSubject, import.Subject, export) { Share = import.Share };
                services.Add(service);
                Subscribe(importer, importer.Internal, service.From, service);
                if (responseSubs.Add(exporter))
                {
                    Subscribe(exporter, importer.Internal, importer.Responses.WildcardSubject, importer.Responses);
                }
            }

            importer.StreamImports = streams;
            importer.ServiceImports = services;
        }
    }

    private void Subscribe(Account account, Subscriber owner, string subject, ImportBinding binding)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(subject);
        var sub = new Subscription(owner, bytes, null, bytes) { AccountName = account.Name, Import = binding };
        account.Sublist.Insert(sub);
        OnSubscriptionChanged(sub, +1);
    }

    /// <summary>
    /// A client's or leaf's subscription in an account with stream imports gets a shadow in
    /// each exporting account it overlaps (and loses them when it goes).
    /// </summary>
    private void UpdateShadows(Subscription sub, int delta)
    {
        if (delta < 0)
        {
            Subscription[]? shadows = Interlocked.Exchange(ref sub.Shadows, null);
            foreach (Subscription shadow in shadows ?? [])
            {
                shadow.Closed = true;
                FindAccount(shadow.AccountName)?.Sublist.Remove(shadow);
                OnSubscriptionChanged(shadow, -1);
            }

            return;
        }

        if (sub.Import is not null || sub.Subscriber.Kind is not (SubscriberKind.Client or SubscriberKind.Leaf or SubscriberKind.Hub)
            || FindAccount(sub.AccountName) is not { StreamImports.Count: > 0 } account)
        {
            return;
        }

        string subject = Utf8(sub.Subject);
        var made = new List<Subscription>();
        foreach (StreamImport import in account.StreamImports)
        {
            if (import.ShadowSubject(subject) is not { } shadowSubject)
            {
                continue;
            }

            var shadow = new Subscription(sub.Subscriber, System.Text.Encoding.UTF8.GetBytes(shadowSubject), sub.Queue, sub.Sid)
            {
                AccountName = import.Exporter.Name,
                Import = import,
                Origin = sub,
            };
            Log.Debug($"Creating import subscription on \"{shadowSubject}\" from account \"{import.Exporter.Name}\"");
            import.Exporter.Sublist.Insert(shadow);
            made.Add(shadow);
            OnSubscriptionChanged(shadow, +1);
        }

        if (made.Count > 0)
        {
            sub.Shadows = [.. made];
            if (sub.Closed)
            {
                UpdateShadows(sub, -1); // removed while we were adding
            }
        }
    }
}
