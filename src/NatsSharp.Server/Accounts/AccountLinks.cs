using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// Checks that every import names a defined account and an export that lets it in, the
/// way nats-server does when it loads a config (same texts, same order: stream exports,
/// service exports, stream imports, service imports).
/// </summary>
internal static class AccountLinks
{
    public static List<string> Validate(IReadOnlyList<AccountOptions> accounts)
    {
        var errors = new List<string>();
        var byName = accounts.ToDictionary(a => a.Name, StringComparer.Ordinal);
        foreach (ExchangeKind kind in (ExchangeKind[])[ExchangeKind.Stream, ExchangeKind.Service])
        {
            foreach (AccountExport export in accounts.SelectMany(a => a.Exports).Where(e => e.Kind == kind))
            {
                foreach (string name in export.Accounts.Where(n => !byName.ContainsKey(n)))
                {
                    errors.Add($"\"{name}\" account not defined for {Word(kind)} export");
                }
            }
        }

        var accepted = new Dictionary<string, List<AccountImport>>(StringComparer.Ordinal); // imports accepted so far, per importer
        foreach (ExchangeKind kind in (ExchangeKind[])[ExchangeKind.Stream, ExchangeKind.Service])
        {
            foreach (AccountOptions importer in accounts)
            {
                var seen = new HashSet<(string, string)>();
                foreach (AccountImport import in importer.Imports.Where(i => i.Kind == kind))
                {
                    string? error = Check(import, importer, byName, seen);
                    error ??= FormsCycle(importer.Name, import, byName, accepted);

                    if (error is not null)
                    {
                        errors.Add(error);
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>The export of <paramref name="exporter"/> that lets <paramref name="importer"/> import <paramref name="subject"/>, or null.</summary>
    public static AccountExport? FindExport(AccountOptions exporter, ExchangeKind kind, string subject, string importer) =>
        exporter.Exports.FirstOrDefault(e => e.Kind == kind
            && (e.Subject == subject || SubjectSubset.IsSubset(subject, e.Subject))
            && (e.Accounts.Count == 0 || e.Accounts.Contains(importer)));

    private static string? Check(AccountImport import, AccountOptions importer, Dictionary<string, AccountOptions> byName, HashSet<(string, string)> seen)
    {
        string word = Word(import.Kind);
        if (!byName.TryGetValue(import.Account, out AccountOptions? exporter))
        {
            return $"\"{import.Account}\" account not defined for {word} import";
        }

        string prefix = $"Error adding {word} import \"{import.Subject}\": ";
        if (!Subjects.SubjectRules.IsValidSubscribeSubject(System.Text.Encoding.UTF8.GetBytes(import.Subject))
            || !Subjects.SubjectRules.IsValidSubscribeSubject(System.Text.Encoding.UTF8.GetBytes(import.LocalSubject)))
        {
            return prefix + "invalid subject";
        }

        if (FindExport(exporter, import.Kind, import.Subject, importer.Name) is null)
        {
            return prefix + $"{word} import not authorized";
        }

        if (import.Prefix.Length > 0 && SubjectSubset.HasWildcard(import.Prefix))
        {
            return prefix + "stream import prefix can not contain wildcard tokens";
        }

        if (import.Kind == ExchangeKind.Stream && !seen.Add((import.Account, import.Subject)))
        {
            return prefix + "stream import already exists";
        }

        (string from, string to) = import.Kind == ExchangeKind.Stream ? (import.Subject, import.LocalSubject) : (import.LocalSubject, import.Subject);
        if (from != to && SubjectTransform.TryCreate(from, to, out string why) is null)
        {
            return prefix + $"failed to create mapping transform for {word} import subject \"{from}\" to \"{to}\": {why}";
        }

        return null;
    }

    /// <summary>
    /// nats-server's service/streamImportFormsCycle, checked as each import is added: following the
    /// exporter's imports of the same kind from this import's subject must not lead back to an
    /// account already on the way (a message would go round between accounts for ever).
    /// </summary>
    private static string? FormsCycle(string importer, AccountImport import, Dictionary<string, AccountOptions> byName, Dictionary<string, List<AccountImport>> accepted)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal) { importer };
        string? found = Search(import.Kind, import.Account, import.LocalSubject, visited, byName, accepted);
        if (found is null)
        {
            if (!accepted.TryGetValue(importer, out List<AccountImport>? list))
            {
                accepted[importer] = list = [];
            }

            list.Add(import);
            return null;
        }

        return $"Error adding {Word(import.Kind)} import \"{import.Subject}\": {found}";
    }

    /// <summary>
    /// Services: does a request on <paramref name="from"/> in <paramref name="account"/> go on through
    /// one of its service imports? Streams: is <paramref name="from"/> exported by it and fed by one of
    /// its stream imports? Either way, on to the account that import leads to.
    /// </summary>
    private static string? Search(ExchangeKind kind, string account, string from, HashSet<string> visited, Dictionary<string, AccountOptions> byName, Dictionary<string, List<AccountImport>> accepted)
    {
        if (visited.Count >= MaxCycleSearchDepth)
        {
            return "search cycle depth exhausted";
        }

        if (kind == ExchangeKind.Stream && !byName[account].Exports.Any(e => e.Kind == kind && SubjectSubset.IsSubset(from, e.Subject)))
        {
            return null;
        }

        foreach (AccountImport si in (accepted.GetValueOrDefault(account) ?? []).Where(i => i.Kind == kind))
        {
            // A service import's request goes out on its remote subject; a stream import's messages arrive on its local one.
            string along = kind == ExchangeKind.Service ? si.Subject : si.LocalSubject;
            if (!SubjectSubset.Collide(from, along))
            {
                continue;
            }

            if (visited.Contains(si.Account))
            {
                return "import forms a cycle";
            }

            visited.Add(account);
            if (SubjectSubset.IsSubset(si.LocalSubject, from))
            {
                from = si.LocalSubject;
            }

            if (Search(kind, si.Account, from, visited, byName, accepted) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private const int MaxCycleSearchDepth = 1024; // nats-server's MaxAccountCycleSearchDepth

    private static string Word(ExchangeKind kind) => kind == ExchangeKind.Stream ? "stream" : "service";
}
