using System.Text;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// An account's subject mappings, compiled (nats-server 2.9.10's <c>AddWeightedMappings</c> and
/// <c>selectMappedSubject</c>): the first mapping whose source matches a published subject picks a
/// destination by weight; weights under 100 leave the rest on the original subject, unless the
/// source is itself listed, in which case the rest is dropped. Immutable: reload installs a new one.
/// </summary>
internal sealed class SubjectMapper
{
    private readonly Entry[] _entries;

    private SubjectMapper(Entry[] entries) => _entries = entries;

    /// <summary>A destination with its cumulative weight (the pick is the first whose weight exceeds a roll of 0-99).</summary>
    private sealed record Destination(SubjectTransform Transform, int Weight);

    private sealed record Entry(byte[] Source, bool Wildcard, Destination[] Destinations, Dictionary<string, Destination[]>? Clusters);

    /// <summary>The mapper for <paramref name="mappings"/>, null when there are none; throws on one nats-server would refuse.</summary>
    public static SubjectMapper? Create(IReadOnlyList<SubjectMapping> mappings)
    {
        var entries = new List<Entry>();
        foreach (SubjectMapping mapping in mappings)
        {
            Entry entry = Compile(mapping, out string error) ?? throw new NatsServerException($"Error adding mapping for \"{mapping.Source}\": {error}");
            int existing = entries.FindIndex(e => e.Source.AsSpan().SequenceEqual(entry.Source));
            if (existing >= 0)
            {
                entries[existing] = entry; // as nats-server: the same source again replaces it
            }
            else
            {
                entries.Add(entry);
            }
        }

        return entries.Count == 0 ? null : new SubjectMapper([.. entries]);
    }

    /// <summary>nats-server's error for this mapping (the text after "Error adding mapping for ... : "), or null.</summary>
    public static string? Validate(SubjectMapping mapping) => Compile(mapping, out string error) is null ? error : null;

    private static Entry? Compile(SubjectMapping mapping, out string error)
    {
        error = "";
        string src = mapping.Source;
        if (!SubjectRules.IsValidSubscribeSubject(Encoding.UTF8.GetBytes(src)))
        {
            error = "invalid subject";
            return null;
        }

        bool wildcard = !SubjectRules.IsLiteral(Encoding.UTF8.GetBytes(src));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var main = new List<Destination>();
        var clusters = new Dictionary<string, List<Destination>>(StringComparer.Ordinal);
        int total = 0;
        foreach (MappingDestination d in mapping.Destinations)
        {
            if (!seen.Add(d.Subject))
            {
                error = $"duplicate entry for \"{d.Subject}\"";
                return null;
            }

            if (d.Weight > 100)
            {
                error = "individual weights need to be <= 100";
                return null;
            }

            total += d.Weight;
            if (total > 100)
            {
                error = "total weight needs to be <= 100";
                return null;
            }

            if (SubjectTransform.TryCreateMapping(src, d.Subject, out error) is not { } transform)
            {
                return null;
            }

            var destination = new Destination(transform, d.Weight);
            if (d.Cluster.Length == 0)
            {
                main.Add(destination);
            }
            else
            {
                (clusters.TryGetValue(d.Cluster, out var list) ? list : clusters[d.Cluster] = []).Add(destination);
            }
        }

        bool sourceListed = seen.Contains(src);
        Dictionary<string, Destination[]>? scoped = clusters.Count == 0 ? null
            : clusters.ToDictionary(c => c.Key, c => Cumulate(src, wildcard, sourceListed, c.Value), StringComparer.Ordinal);
        return new Entry(Encoding.UTF8.GetBytes(src), wildcard, Cumulate(src, wildcard, sourceListed, main), scoped);
    }

    /// <summary>
    /// nats-server's <c>processDestinations</c>: the original subject takes what the weights leave
    /// (unless it was listed, meaning the rest is to be lost), sorted by weight, made cumulative.
    /// </summary>
    private static Destination[] Cumulate(string src, bool wildcard, bool sourceListed, List<Destination> destinations)
    {
        int total = destinations.Sum(d => d.Weight);
        if (total != 100 && !sourceListed)
        {
            string identity = wildcard ? Tokenize(src) : src;
            SubjectTransform transform = SubjectTransform.TryCreateMapping(src, identity, out _)!;
            destinations.Add(new Destination(transform, destinations.Count == 0 ? 100 : 100 - total));
        }

        var sorted = destinations.OrderBy(d => d.Weight).ToList();
        int running = 0;
        for (int i = 0; i < sorted.Count; i++)
        {
            running += sorted[i].Weight;
            sorted[i] = sorted[i] with { Weight = running };
        }

        return [.. sorted];
    }

    // foo.*.* -> foo.$1.$2 (nats-server's transformTokenize)
    private static string Tokenize(string subject)
    {
        int n = 0;
        return string.Join('.', subject.Split('.').Select(t => t == "*" ? "$" + ++n : t));
    }

    /// <summary>
    /// Maps a published subject into <paramref name="buffer"/>: -1 when no mapping matches, else the
    /// length of the new subject, 0 when the weights picked no destination (the message is dropped).
    /// </summary>
    public int Map(ReadOnlySpan<byte> subject, string cluster, ref byte[] buffer)
    {
        foreach (Entry entry in _entries)
        {
            if (entry.Wildcard ? !SubjectRules.Matches(subject, entry.Source) : !subject.SequenceEqual(entry.Source))
            {
                continue;
            }

            Destination[] destinations = entry.Clusters is { } clusters && clusters.TryGetValue(cluster, out Destination[]? scoped) ? scoped : entry.Destinations;
            if (Pick(destinations) is not { } picked)
            {
                return 0;
            }

            return picked.Transform.Apply(subject, ref buffer);
        }

        return -1;
    }

    private static Destination? Pick(Destination[] destinations)
    {
        if (destinations.Length == 1 && destinations[0].Weight == 100)
        {
            return destinations[0];
        }

        int roll = Random.Shared.Next(100);
        foreach (Destination d in destinations)
        {
            if (roll < d.Weight)
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>The sources, which a leaf connection of the account is told of as interest (nats-server does).</summary>
    public IEnumerable<byte[]> Sources => _entries.Select(e => e.Source);
}
