using System.Runtime.CompilerServices;

namespace NatsSharp.Server.Subjects;

/// <summary>
/// Subject trie mapping published subjects to interested subscriptions, with a bounded
/// match cache in front. Match on a cache hit takes no lock and allocates nothing; a miss
/// walks the trie under a shared read lock; Insert/Remove take the write lock.
/// A Match racing an Insert/Remove may return the result from just before the change.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A Sublist lives as long as its account, which lives as long as the server.")]
internal sealed class Sublist
{
    // Removals up to this size patch the cache per subscription; bigger batches (a
    // connection with many subs closing) clear it once, since every wildcard patch
    // scans the whole cache.
    private const int PatchCacheBatchLimit = 4;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly SublistLevel _root = new();
    private SublistCache? _cache; // replaced by a larger one as subscriptions are added (under the write lock)

    private readonly StripedCounter _matches = new();
    private long _misses;

    // Bumped (under the write lock) after every change to the trie, so a reader's LastMatch
    // can tell its remembered result is still the current one without hashing the subject.
    private long _generation;

    // Written only under the write lock.
    private int _count;
    private long _inserts;
    private long _removes;

    // Scratch for Remove's walk, used only under the write lock.
    private readonly List<(SublistLevel Level, SublistNode Node)> _removePath = [];

    public Sublist(bool enableCache = true)
    {
        _cache = enableCache ? new SublistCache() : null;
    }

    /// <summary>Number of subscriptions.</summary>
    public int Count => Volatile.Read(ref _count);

    public bool CacheEnabled => _cache is not null;

    /// <summary>
    /// Adds a subscription. The caller has validated the subject with
    /// SubjectRules.IsValidSubscribeSubject; inserting the same instance twice is a no-op.
    /// </summary>
    public void Insert(Subscription sub)
    {
        ArgumentNullException.ThrowIfNull(sub);
        ReadOnlySpan<byte> subject = sub.Subject;
        if (!SubjectRules.IsValidSubscribeSubject(subject))
        {
            throw new ArgumentException("Invalid subscription subject.", nameof(sub));
        }

        bool literal = SubjectRules.IsLiteral(subject);
        _lock.EnterWriteLock();
        try
        {
            var level = _root;
            SublistNode node;
            while (true)
            {
                int dot = subject.IndexOf(SubjectRules.Separator);
                node = level.GetOrAdd(dot < 0 ? subject : subject[..dot]);
                if (dot < 0)
                {
                    break;
                }

                level = node.Next ??= new SublistLevel();
                subject = subject[(dot + 1)..];
            }

            if (!node.Add(sub))
            {
                return;
            }

            Volatile.Write(ref _count, _count + 1);
            _inserts++;
            _cache?.OnInsert(sub, literal);
            if (_cache is { } cache && cache.Capacity < SublistCache.CapacityFor(_count))
            {
                // Empty, filled by the matches to come. A reader still holding the old one races this insert, as before.
                Volatile.Write(ref _cache, new SublistCache(SublistCache.CapacityFor(_count)));
            }

            Interlocked.Increment(ref _generation);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes a subscription; false if it was not in the list.</summary>
    public bool Remove(Subscription sub)
    {
        ArgumentNullException.ThrowIfNull(sub);
        _lock.EnterWriteLock();
        try
        {
            if (!RemoveFromTrie(sub))
            {
                return false;
            }

            _cache?.OnRemove(sub, SubjectRules.IsLiteral(sub.Subject));
            Interlocked.Increment(ref _generation);
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes many subscriptions (a closing connection's) under one lock; missing ones are skipped.</summary>
    public void RemoveBatch(IReadOnlyList<Subscription> subs)
    {
        ArgumentNullException.ThrowIfNull(subs);
        if (subs.Count == 0)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            bool patch = subs.Count <= PatchCacheBatchLimit;
            bool removedAny = false;
            for (int i = 0; i < subs.Count; i++)
            {
                var sub = subs[i];
                if (!RemoveFromTrie(sub))
                {
                    continue;
                }

                removedAny = true;
                if (patch)
                {
                    _cache?.OnRemove(sub, SubjectRules.IsLiteral(sub.Subject));
                }
            }

            if (removedAny && !patch)
            {
                _cache?.Clear();
            }

            if (removedAny)
            {
                Interlocked.Increment(ref _generation);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Subscriptions interested in a published subject (bytes from the wire). Wildcard
    /// characters in it are literal tokens; a subject with empty tokens matches nothing.
    /// The result is shared and immutable.
    /// </summary>
    public SublistResult Match(ReadOnlySpan<byte> subject)
    {
        _matches.Increment();
        return MatchUncounted(subject);
    }

    /// <summary>Changes with every insert or removal; a result matched after reading it is current until it changes.</summary>
    internal long Generation => Volatile.Read(ref _generation);

    /// <summary>Adds matches answered from a <see cref="LastMatch"/> to the stats, a batch at a time.</summary>
    internal void CountMatches(long matches) => _matches.Add(matches);

    /// <summary><see cref="Match"/> without counting it (the caller counts).</summary>
    internal SublistResult MatchUncounted(ReadOnlySpan<byte> subject)
    {
        var cache = Volatile.Read(ref _cache);
        int hash = 0;
        if (cache is not null)
        {
            hash = ByteArrayComparer.Hash(subject);
            if (cache.TryGet(subject, hash, out var cached))
            {
                return cached;
            }
        }

        Interlocked.Increment(ref _misses);

        // Never cached, so invalid subjects cannot crowd out real ones.
        if (!SubjectRules.HasNoEmptyTokens(subject))
        {
            return SublistResult.Empty;
        }

        var builder = SublistResultBuilder.ForCurrentThread();
        _lock.EnterReadLock();
        try
        {
            builder.Reset();
            MatchLevel(_root, subject, builder);
            var result = builder.Build();

            // Stored while still holding the read lock; see SublistCache.
            cache?.Store(subject, hash, result);
            return result;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>A snapshot of every subscription.</summary>
    public IReadOnlyList<Subscription> All()
    {
        _lock.EnterReadLock();
        try
        {
            var all = new List<Subscription>(_count);

            // Explicit stack: subjects can be deep and this must not overflow.
            var pending = new Stack<SublistLevel>();
            pending.Push(_root);
            while (pending.TryPop(out var level))
            {
                foreach (var node in level.Literals)
                {
                    Collect(node, all, pending);
                }

                if (level.Pwc is { } pwc)
                {
                    Collect(pwc, all, pending);
                }

                if (level.Fwc is { } fwc)
                {
                    Collect(fwc, all, pending);
                }
            }

            return all;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        static void Collect(SublistNode node, List<Subscription> all, Stack<SublistLevel> pending)
        {
            node.CollectInto(all);
            if (node.Next is { } next)
            {
                pending.Push(next);
            }
        }
    }

    /// <summary>Trie nodes currently allocated; lets tests check that removal prunes.</summary>
    internal int NodeCount()
    {
        _lock.EnterReadLock();
        try
        {
            int nodes = 0;
            var pending = new Stack<SublistLevel>();
            pending.Push(_root);
            while (pending.TryPop(out var level))
            {
                foreach (var node in level.Literals)
                {
                    Visit(node);
                }

                if (level.Pwc is { } pwc)
                {
                    Visit(pwc);
                }

                if (level.Fwc is { } fwc)
                {
                    Visit(fwc);
                }
            }

            return nodes;

            void Visit(SublistNode node)
            {
                nodes++;
                if (node.Next is { } next)
                {
                    pending.Push(next);
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public SublistStats Stats()
    {
        int count;
        long inserts, removes;
        _lock.EnterReadLock();
        try
        {
            count = _count;
            inserts = _inserts;
            removes = _removes;
        }
        finally
        {
            _lock.ExitReadLock();
        }

        int cached = 0, maxFanout = 0;
        long totalFanout = 0;
        _cache?.Measure(out cached, out maxFanout, out totalFanout);

        // Read misses first: a Match counts itself before it can count a miss, so this
        // order never sees more misses than matches.
        long misses = Interlocked.Read(ref _misses);
        long matches = _matches.Value;
        return new SublistStats
        {
            NumSubs = count,
            NumCache = cached,
            NumInserts = inserts,
            NumRemoves = removes,
            NumMatches = matches,
            CacheHitRate = matches > 0 ? Math.Clamp((double)(matches - misses) / matches, 0, 1) : 0,
            MaxFanout = maxFanout,
            AvgFanout = cached > 0 ? (double)totalFanout / cached : 0,
        };
    }

    /// <summary>Walks the trie for a published subject. Caller holds the read lock.</summary>
    private static void MatchLevel(SublistLevel? level, ReadOnlySpan<byte> rest, SublistResultBuilder results)
    {
        while (level is not null)
        {
            // '>' here matches whatever is left, which is at least one token.
            if (level.Fwc is { } fwc)
            {
                results.Add(fwc);
            }

            int dot = rest.IndexOf(SubjectRules.Separator);
            if (dot < 0)
            {
                // The literal before the '*', as nats-server's matchLevel: the order a connection with both gets the message in.
                if (level.FindLiteral(rest) is { } leaf)
                {
                    results.Add(leaf);
                }

                if (level.Pwc is { } lastPwc)
                {
                    results.Add(lastPwc);
                }

                return;
            }

            var token = rest[..dot];
            rest = rest[(dot + 1)..];

            // '*' branches off; recurse for it and keep looping down the literal path.
            // The stack guard only trips on absurdly deep wildcard subjects: better to
            // miss deliveries there than to crash the process.
            if (level.Pwc?.Next is { } pwcNext && RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                MatchLevel(pwcNext, rest, results);
            }

            level = level.FindLiteral(token)?.Next;
        }
    }

    /// <summary>Takes a subscription out of the trie and prunes emptied nodes. Write lock held.</summary>
    private bool RemoveFromTrie(Subscription sub)
    {
        ReadOnlySpan<byte> subject = sub.Subject;
        var path = _removePath;
        path.Clear();
        try
        {
            SublistLevel? level = _root;
            while (true)
            {
                int dot = subject.IndexOf(SubjectRules.Separator);
                var node = level.Find(dot < 0 ? subject : subject[..dot]);
                if (node is null)
                {
                    return false;
                }

                path.Add((level, node));
                if (dot < 0)
                {
                    break;
                }

                level = node.Next;
                if (level is null)
                {
                    return false;
                }

                subject = subject[(dot + 1)..];
            }

            if (!path[^1].Node.Remove(sub))
            {
                return false;
            }

            Volatile.Write(ref _count, _count - 1);
            _removes++;

            // Leaf upwards: drop emptied levels and nodes so dead subjects do not accumulate.
            for (int i = path.Count - 1; i >= 0; i--)
            {
                var (parent, node) = path[i];
                if (node.Next is { IsEmpty: true })
                {
                    node.Next = null;
                }

                if (!node.IsEmpty)
                {
                    break;
                }

                parent.Prune(node);
            }

            return true;
        }
        finally
        {
            path.Clear();
        }
    }
}
