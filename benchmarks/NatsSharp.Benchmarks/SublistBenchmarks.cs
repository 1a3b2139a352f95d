using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Benchmarks;

/// <summary>
/// The publish hot path: Sublist.Match with and without the cache, and subscription churn.
/// A cache hit must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class SublistBenchmarks
{
    private readonly Connection _owner = Connection.CreateTestDouble();
    private Sublist _cached = null!;
    private Sublist _uncached = null!;
    private byte[] _literalSubject = null!;
    private byte[] _wildcardSubject = null!;
    private Subscription _churnLiteral = null!;
    private Subscription _churnWildcard = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cached = new Sublist(enableCache: true);
        _uncached = new Sublist(enableCache: false);

        // A few thousand subscriptions across services, with wildcards and queue groups at several depths.
        var subjects = new List<(string Subject, string? Queue)>();
        for (int i = 0; i < 1000; i++)
        {
            subjects.Add(($"orders.{i}.created", null));
            subjects.Add(($"orders.{i}.shipped", "shippers"));
            subjects.Add(($"_INBOX.client{i}.*", null));
        }

        subjects.Add(("orders.*.created", null));
        subjects.Add(("orders.*.created", "auditors"));
        subjects.Add(("orders.>", null));
        subjects.Add(("*.42.*", null));
        subjects.Add((">", "monitor"));

        foreach (var (subject, queue) in subjects)
        {
            _cached.Insert(Make(subject, queue));
            _uncached.Insert(Make(subject, queue));
        }

        _literalSubject = Encoding.ASCII.GetBytes("_INBOX.client7.reply");
        _wildcardSubject = Encoding.ASCII.GetBytes("orders.42.created");
        _churnLiteral = Make("orders.42.created", null);
        _churnWildcard = Make("orders.42.*", null);

        // Warm the cache.
        _cached.Match(_literalSubject);
        _cached.Match(_wildcardSubject);
    }

    // Results are returned as object (SublistResult is internal) so the JIT cannot drop the call.

    /// <summary>One subscription matches; answered from the cache.</summary>
    [Benchmark]
    public object MatchLiteralCached() => _cached.Match(_literalSubject);

    /// <summary>Literal, '*', '>' and queue subscriptions match; answered from the cache.</summary>
    [Benchmark]
    public object MatchWildcardCached() => _cached.Match(_wildcardSubject);

    /// <summary>The same match as a trie walk (disable_sublist_cache), building a fresh result.</summary>
    [Benchmark]
    public object MatchWildcardUncached() => _uncached.Match(_wildcardSubject);

    /// <summary>SUB then UNSUB of a literal subject that is in the cache.</summary>
    [Benchmark]
    public bool InsertRemoveLiteral()
    {
        _cached.Insert(_churnLiteral);
        return _cached.Remove(_churnLiteral);
    }

    /// <summary>SUB then UNSUB of a wildcard; each patches every matching cache entry.</summary>
    [Benchmark]
    public bool InsertRemoveWildcard()
    {
        _cached.Insert(_churnWildcard);
        return _cached.Remove(_churnWildcard);
    }

    private Subscription Make(string subject, string? queue) =>
        new(
            _owner,
            Encoding.ASCII.GetBytes(subject),
            queue is null ? null : Encoding.ASCII.GetBytes(queue),
            Encoding.ASCII.GetBytes(subject.Length.ToString(CultureInfo.InvariantCulture)));
}
