using System.Diagnostics.CodeAnalysis;

namespace NatsSharp.Server.Subjects;

/// <summary>
/// Bounded cache of Match results keyed by published subject: a 4-way set-associative
/// table of immutable entries. Lookups are lock-free (one volatile read per way, and a
/// way's hash is looked at before its entry) and allocation-free; a full set evicts its
/// oldest entry, so the size bound needs no sweeps. The sublist replaces it with a larger
/// one as its subscriptions grow (<see cref="CapacityFor"/>).
///
/// Thread rules, enforced by Sublist's reader/writer lock: Store runs under the read lock,
/// every other mutation under the write lock. So a result computed from the trie can never
/// be stored after a concurrent Insert/Remove already patched the cache, which would leave
/// a stale entry behind for good.
/// </summary>
internal sealed class SublistCache
{
    private const int Ways = 4;

    /// <summary>Entries of the cache a sublist starts with (nats-server keeps 1,024 results per sublist).</summary>
    public const int MinCapacity = 2048;

    /// <summary>Entries of the largest: 32,768 (384 KB of table; the entries take ~150 bytes each once filled).</summary>
    public const int MaxCapacity = 32 * 1024;

    private readonly Entry?[] _slots;

    // Each way's hash beside it, so a probe reads the entry only when its hash matches (a miss reads none).
    // Written after the entry; a stale hash costs one entry read, never a wrong result (the entry is checked).
    private readonly int[] _hashes;
    private readonly int _setMask;

    public SublistCache(int capacity = MinCapacity)
    {
        if (capacity < Ways || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), "must be a power of two of at least " + Ways);
        }

        _slots = new Entry?[capacity];
        _hashes = new int[capacity];
        _setMask = (capacity / Ways) - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>
    /// The capacity for a sublist of <paramref name="subscriptions"/>: at least twice as many entries, so a publisher
    /// going round thousands of subjects (one subscription each) mostly hits instead of walking the trie and storing a
    /// fresh result per message; between <see cref="MinCapacity"/> and <see cref="MaxCapacity"/>.
    /// </summary>
    public static int CapacityFor(int subscriptions) =>
        (int)Math.Clamp(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, subscriptions) * 2), MinCapacity, MaxCapacity);

    public bool TryGet(ReadOnlySpan<byte> subject, int hash, [NotNullWhen(true)] out SublistResult? result)
    {
        int first = (hash & _setMask) * Ways;
        for (int i = first; i < first + Ways; i++)
        {
            if (Volatile.Read(ref _hashes[i]) == hash && Volatile.Read(ref _slots[i]) is { } entry && entry.Is(subject, hash))
            {
                result = entry.Result;
                return true;
            }
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
        // entry or the same key in two ways, both harmless because writers patch every
        // matching slot and a lost entry is just a future miss.
        for (int i = first; i < first + Ways; i++)
        {
            var way = Volatile.Read(ref _slots[i]);
            if (way is null || way.Is(subject, hash))
            {
                Put(i, fresh);
                return;
            }
        }

        // Set full: the others move down a way, the oldest goes, the newest comes first.
        for (int i = first + Ways - 1; i > first; i--)
        {
            Put(i, Volatile.Read(ref _slots[i - 1])!);
        }

        Put(first, fresh);
    }

    private void Put(int i, Entry? entry)
    {
        Volatile.Write(ref _slots[i], entry);
        if (entry is not null)
        {
            Volatile.Write(ref _hashes[i], entry.Hash);
        }
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
                    Put(i, entry.With(entry.Result.WithAdded(sub)));
                }
            }

            return;
        }

        for (int i = 0; i < _slots.Length; i++)
        {
            var entry = _slots[i];
            if (entry is not null && SubjectRules.Matches(entry.Key, sub.Subject))
            {
                Put(i, entry.With(entry.Result.WithAdded(sub)));
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
                    Put(i, null);
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
                Put(i, null);
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
