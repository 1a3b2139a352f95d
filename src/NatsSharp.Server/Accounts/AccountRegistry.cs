using System.Collections.Concurrent;
using System.Text;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// The accounts of this server by name ("$G" always) and the links between them: the
/// subscriptions service imports make at start, and the shadow subscriptions that bring imported
/// streams to subscribers. A subscription it makes or removes is announced (routes, leafnodes)
/// through the callback it was given.
/// </summary>
internal sealed class AccountRegistry
{
    private const int MaxStackName = 128; // a longer name on the wire is made into a string to look it up

    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Account>.AlternateLookup<ReadOnlySpan<char>> _accountsByChars;
    private readonly ServerLog _log;
    private readonly Action<Subscription, int> _announce;
    private readonly bool _cache;

    public AccountRegistry(IReadOnlyList<AccountOptions> configured, bool sublistCache, ServerLog log, Action<Subscription, int> announce)
    {
        _log = log;
        _announce = announce;
        _cache = sublistCache;
        _accountsByChars = _accounts.GetAlternateLookup<ReadOnlySpan<char>>();
        Global = new Account(Account.GlobalName, sublistCache);
        _accounts[Account.GlobalName] = Global;
        foreach (AccountOptions account in configured)
        {
            _accounts[account.Name] = new Account(account.Name, sublistCache) { Limits = account.Limits, Mapper = SubjectMapper.Create(account.Mappings) };
        }
    }

    /// <summary>The top-level mappings into <c>$G</c>, at start and on reload (the accounts' come with <see cref="AddOrUpdate"/>).</summary>
    public void SetGlobalMappings(IReadOnlyList<SubjectMapping> mappings) => Global.Mapper = SubjectMapper.Create(mappings);

    /// <summary>"$G", for clients and leafs outside any configured account.</summary>
    public Account Global { get; }

    /// <summary>Every account: "$G" and the configured ones.</summary>
    public IEnumerable<Account> All => _accounts.Values;

    /// <summary>A configured account by name ("$G" included), or null.</summary>
    public Account? Find(string name) => _accounts.TryGetValue(name, out Account? account) ? account : null;

    /// <summary>As <see cref="Find(string)"/>, for a name as a peer sent it (a routed message's, once per message): no string is made.</summary>
    public Account? Find(ReadOnlySpan<byte> utf8Name)
    {
        if (utf8Name.Length > MaxStackName)
        {
            return Find(Encoding.UTF8.GetString(utf8Name));
        }

        Span<char> chars = stackalloc char[MaxStackName];
        int n = Encoding.UTF8.GetChars(utf8Name, chars); // invalid bytes as U+FFFD, as GetString
        return _accountsByChars.TryGetValue(chars[..n], out Account? account) ? account : null;
    }

    /// <summary>Reload: a new account is added (its users need it before they are checked); new limits apply to what comes next, new mappings at once.</summary>
    public void AddOrUpdate(AccountOptions config)
    {
        Account account = _accounts.GetOrAdd(config.Name, name => new Account(name, _cache));
        account.Limits = config.Limits;
        account.Mapper = SubjectMapper.Create(config.Mappings);
    }

    public void InstallImports(IReadOnlyList<AccountOptions> configured)
    {
        Dictionary<string, AccountOptions> options = configured.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (AccountOptions config in configured)
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
        byte[] bytes = Encoding.UTF8.GetBytes(subject);
        var sub = new Subscription(owner, bytes, null, bytes) { AccountName = account.Name, Import = binding };
        account.Sublist.Insert(sub);
        _announce(sub, +1);
    }

    /// <summary>
    /// A client's or leaf's subscription in an account with stream imports gets a shadow in
    /// each exporting account it overlaps (and loses them when it goes).
    /// </summary>
    public void UpdateShadows(Subscription sub, int delta)
    {
        if (delta < 0)
        {
            Subscription[]? shadows = Interlocked.Exchange(ref sub.Shadows, null);
            foreach (Subscription shadow in shadows ?? [])
            {
                shadow.Closed = true;
                Find(shadow.AccountName)?.Sublist.Remove(shadow);
                _announce(shadow, -1);
            }

            return;
        }

        if (sub.Import is not null
            || (sub.Subscriber.Kind is not (SubscriberKind.Client or SubscriberKind.Leaf or SubscriberKind.Hub) && sub.Subscriber is not Internal.InternalSubscriber { TakesStreamImports: true })
            || Find(sub.AccountName) is not { StreamImports.Count: > 0 } account)
        {
            return;
        }

        string subject = Encoding.UTF8.GetString(sub.Subject);
        var made = new List<Subscription>();
        foreach (StreamImport import in account.StreamImports)
        {
            if (import.ShadowSubject(subject) is not { } shadowSubject)
            {
                continue;
            }

            var shadow = new Subscription(sub.Subscriber, Encoding.UTF8.GetBytes(shadowSubject), sub.Queue, sub.Sid)
            {
                AccountName = import.Exporter.Name,
                Import = import,
                Origin = sub,
            };
            _log.Debug($"Creating import subscription on \"{shadowSubject}\" from account \"{import.Exporter.Name}\"");
            import.Exporter.Sublist.Insert(shadow);
            made.Add(shadow);
            _announce(shadow, +1);
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
