using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// A stream the importing account takes from the exporting one. Each subscription in the
/// importing account that overlaps <see cref="To"/> gets a shadow subscription in the
/// exporting account; a message on the shadow reaches the original subscriber under the
/// mapped subject.
/// </summary>
internal sealed class StreamImport : ImportBinding
{
    private readonly SubjectTransform? _toImporter; // null: the subject stays as published
    private readonly SubjectTransform? _toExporter;

    public StreamImport(Account exporter, Account importer, string from, string to)
    {
        Exporter = exporter;
        Importer = importer;
        From = from;
        To = to;
        if (from != to)
        {
            _toImporter = SubjectTransform.TryCreate(from, to, out _)
                ?? throw new NatsServerException($"failed to create mapping transform for stream import subject \"{from}\" to \"{to}\"");
            _toExporter = _toImporter.Reverse();
        }
    }

    public Account Exporter { get; }

    public Account Importer { get; }

    /// <summary>The subject in the exporting account.</summary>
    public string From { get; }

    /// <summary>The subject in the importing account.</summary>
    public string To { get; }

    /// <summary>Maps a published subject into the importing account; returns the length written to <paramref name="buffer"/>.</summary>
    public int MapToImporter(ReadOnlySpan<byte> subject, ref byte[] buffer) => SubjectTransform.Map(_toImporter, subject, ref buffer);

    /// <summary>
    /// The subject a shadow of a subscription on <paramref name="subscribed"/> listens to in the
    /// exporting account, or null when the subscription does not overlap this import.
    /// </summary>
    public string? ShadowSubject(string subscribed)
    {
        string? overlap = Intersect(subscribed, To);
        if (overlap is null)
        {
            return null;
        }

        return _toExporter is null ? overlap : _toExporter.Apply(overlap);
    }

    /// <summary>The subjects both patterns match, as one pattern; null when they share none.</summary>
    internal static string? Intersect(string a, string b)
    {
        string[] x = a.Split('.');
        string[] y = b.Split('.');
        var result = new StringBuilder();
        for (int i = 0; ; i++)
        {
            if (i == x.Length || i == y.Length)
            {
                return x.Length == y.Length ? result.ToString() : null;
            }

            if (i > 0)
            {
                result.Append('.');
            }

            if (x[i] == ">" || y[i] == ">")
            {
                // The other pattern's rest (">" against ">" stays ">").
                string[] rest = x[i] == ">" ? y : x;
                return result.Append(string.Join('.', rest[i..])).ToString();
            }

            if (x[i] == "*")
            {
                result.Append(y[i]);
            }
            else if (y[i] == "*" || x[i] == y[i])
            {
                result.Append(x[i]);
            }
            else
            {
                return null;
            }
        }
    }
}
