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

        foreach (ExchangeKind kind in (ExchangeKind[])[ExchangeKind.Stream, ExchangeKind.Service])
        {
            foreach (AccountOptions importer in accounts)
            {
                var seen = new HashSet<(string, string)>();
                foreach (AccountImport import in importer.Imports.Where(i => i.Kind == kind))
                {
                    string? error = Check(import, importer, byName, seen);
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

    private static string Word(ExchangeKind kind) => kind == ExchangeKind.Stream ? "stream" : "service";
}
