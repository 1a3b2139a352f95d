using System.Diagnostics.CodeAnalysis;

namespace NatsSharp.Server.Subjects;

/// <summary>
/// Bounded cache of Match results keyed by published subject: a 2-way set-associative
/// table of immutable entries. Lookups are lock-free (one volatile read per way) and
/// allocation-free; a full set evicts its older entry, so the size bound needs no sweeps.
///
/// Thread rules, enforced by Sublist's reader/writer lock: Store runs under the read lock,
/// every other mutation under the write lock. So a result computed from the trie can never
/// be stored after a concurrent Insert/Remove already patched the cache, which would leave
/// a stale entry behind for good.
/// </summary>
internal sealed class SublistCache
{
    private const int Ways = 2;

    private readonly Entry?[] _slots;
    private readonly int _setMask;

    public SublistCache(int sets = 1024)
    {
        if (sets <= 0 || (sets & (sets - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sets), "must be a power of two");
        }

        _slots = new Entry?[sets * Ways];
        _setMask = sets - 1;
    }

    public int Capacity => _slots.Length;

    public bool TryGet(ReadOnlySpan<byte> subject, int hash, [NotNullWhen(true)] out SublistResult? result)
    {
        int first = (hash & _setMask) * Ways;
        var entry = Volatile.Read(ref _slots[first]);
        if (entry is not null && entry.Hash == hash && subject.SequenceEqual(entry.Key))
        {
            result = entry.Result;
            return true;
        }

        entry = Volatile.Read(ref _slots[first + 1]);
        if (entry is not null && entry.Hash == hash && subject.SequenceEqual(entry.Key))
        {
            result = entry.Result;
            return true;
        }

        result = null;
        return false;
    }

    /// <summary>Caches a freshly computed result. Caller holds the Sublist read lock.</summary>
    public void Store(ReadOnlySpan<byte> subject, int hash, SublistResult result)
    {
        int first = (hash & _setMask) * Ways;
        var fresh = new Entry(subject.ToArray(), hash, result);

        // Two readers may store into the same set at once; the worst outcome is a lost
        // entry or the same key in both ways, both harmless because writers patch every
        // matching slot and a lost entry is just a future miss.
        var way0 = Volatile.Read(ref _slots[first]);
        if (way0 is null || way0.Is(subject, hash))
        {
            Volatile.Write(ref _slots[first], fresh);
            return;
        }

        var way1 = Volatile.Read(ref _slots[first + 1]);
        if (way1 is null || way1.Is(subject, hash))
        {
            Volatile.Write(ref _slots[first + 1], fresh);
            return;
        }

        // Set full: newest goes first, the previous first survives, the older one goes.
        Volatile.Write(ref _slots[first + 1], way0);
        Volatile.Write(ref _slots[first], fresh);
    }

    // Insert/Remove patch cached results in place (copy-on-write) instead of dropping the
    // whole cache: with request/reply churn, subscriptions come and go constantly while
    // unrelated hot subjects should keep hitting. A literal subscription can only affect
    // the entry for its own subject, so only wildcards pay for a scan.

    /// <summary>Adds a newly inserted subscription to the cached results it matches. Write lock held.</summary>
    public void OnInsert(Subscription sub, bool literal)
    {
        if (literal)
        {
            int hash = ByteArrayComparer.Hash(sub.Subject);
            int first = (hash & _setMask) * Ways;
            for (int i = first; i < first + Ways; i++)
            {
                var entry = _slots[i];
                if (entry is not null && entry.Is(sub.Subject, hash))
                {
                    Volatile.Write(ref _slots[i], entry.With(entry.Result.WithAdded(sub)));
                }
            }

            return;
        }

        for (int i = 0; i < _slots.Length; i++)
        {
            var entry = _slots[i];
            if (entry is not null && SubjectRules.Matches(entry.Key, sub.Subject))
            {
                Volatile.Write(ref _slots[i], entry.With(entry.Result.WithAdded(sub)));
            }
        }
    }

    /// <summary>Drops the cached results a removed subscription was part of. Write lock held.</summary>
    public void OnRemove(Subscription sub, bool literal)
    {
        if (literal)
        {
            // Drop rather than patch: a literal subject whose subscriber left is often a
            // finished request/reply inbox that will never be published to again.
            int hash = ByteArrayComparer.Hash(sub.Subject);
            int first = (hash & _setMask) * Ways;
            for (int i = first; i < first + Ways; i++)
            {
                var entry = _slots[i];
                if (entry is not null && entry.Is(sub.Subject, hash))
                {
                    Volatile.Write(ref _slots[i], null);
                }
            }

            return;
        }

        // Dropped too, as nats-server's removeFromCache does: the next match rebuilds the result in the
        // trie's order, so a connection's subscriptions that match one message get it in nats-server's order
        // (a patched entry kept the order of inserts since it was cached: fuzz seed 849580).
        for (int i = 0; i < _slots.Length; i++)
        {
            var entry = _slots[i];
            if (entry is not null && SubjectRules.Matches(entry.Key, sub.Subject))
            {
                Volatile.Write(ref _slots[i], null);
            }
        }
    }

    /// <summary>Drops everything. Write lock held.</summary>
    public void Clear() => Array.Clear(_slots);

    /// <summary>Counts entries and their fanout, for stats. Safe at any time (approximate under churn).</summary>
    public void Measure(out int count, out int maxFanout, out long totalFanout)
    {
        count = 0;
        maxFanout = 0;
        totalFanout = 0;
        for (int i = 0; i < _slots.Length; i++)
        {
            if (Volatile.Read(ref _slots[i]) is { } entry)
            {
                count++;
                int fanout = entry.Result.Fanout;
                totalFanout += fanout;
                maxFanout = Math.Max(maxFanout, fanout);
            }
        }
    }

    /// <summary>Immutable so a reader that loaded it sees a consistent key and result.</summary>
    private sealed class Entry(byte[] key, int hash, SublistResult result)
    {
        public readonly byte[] Key = key;
        public readonly int Hash = hash;
        public readonly SublistResult Result = result;

        public bool Is(ReadOnlySpan<byte> subject, int hash) => Hash == hash && subject.SequenceEqual(Key);

        public Entry With(SublistResult result) => new(Key, Hash, result);
    }
}
