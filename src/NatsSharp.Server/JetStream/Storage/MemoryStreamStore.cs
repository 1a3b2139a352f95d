namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// A stream's messages in memory (storage "memory"): a sorted set of sequences, the messages by
/// sequence and, per subject, its sequences (last-per-subject reads and max_msgs_per_subject).
/// One lock; the stream's loop is the only writer.
/// </summary>
internal sealed class MemoryStreamStore : IStreamStore
{
    private readonly Lock _lock = new();
    private readonly SortedSet<ulong> _sequences = [];
    private readonly Dictionary<ulong, Entry> _messages = [];
    private readonly Dictionary<string, SortedSet<ulong>> _bySubject = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemoryConsumerStore> _consumers = new(StringComparer.Ordinal);
    private StreamStoreLimits _limits;
    private ulong _last;
    private long _lastTimestamp;
    private ulong _bytes;
    private byte[]? _metadata;

    public MemoryStreamStore(StreamStoreLimits limits) => _limits = limits;

    public Action<ulong, string>? Removed { get; set; }

    public StreamStoreLimits Limits
    {
        get
        {
            lock (_lock)
            {
                return _limits;
            }
        }
    }

    public StreamStoreState State
    {
        get
        {
            lock (_lock)
            {
                ulong count = (ulong)_messages.Count;
                ulong first = count == 0 ? _last + 1 : _sequences.Min; // the contract: an empty store's first is last + 1
                long firstTs = count == 0 ? 0 : _messages[first].TimestampNs;
                ulong deleted = count == 0 ? 0 : _last - first + 1 - count;
                return new StreamStoreState(count, _bytes, first, firstTs, _last, _lastTimestamp, deleted, (ulong)_bySubject.Count);
            }
        }
    }

    /// <summary>nats-server's memstore size of one message.</summary>
    public static ulong SizeOf(string subject, int header, int data) => (ulong)(subject.Length + header + data + 16);

    public void UpdateLimits(StreamStoreLimits limits)
    {
        List<(ulong, string)> removed;
        lock (_lock)
        {
            _limits = limits;
            removed = EnforceLimits(null);
        }

        Notify(removed);
    }

    public (ulong Sequence, long TimestampNs) Append(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, long timestampNs = 0)
    {
        List<(ulong, string)> removed;
        ulong seq;
        lock (_lock)
        {
            long ts = timestampNs != 0 ? timestampNs : NowNs();
            seq = ++_last;
            _lastTimestamp = ts;
            var entry = new Entry(subject, header.ToArray(), data.ToArray(), ts);
            _messages[seq] = entry;
            _sequences.Add(seq);
            if (!_bySubject.TryGetValue(subject, out SortedSet<ulong>? set))
            {
                _bySubject[subject] = set = [];
            }

            set.Add(seq);
            _bytes += SizeOf(subject, entry.Header.Length, entry.Data.Length);
            removed = EnforceLimits(subject);
        }

        Notify(removed);
        return (seq, _lastTimestamp);
    }

    public (ulong Sequence, long TimestampNs) AppendBuffered(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data) => Append(subject, header, data);

    public void Flush()
    {
        // Nothing is buffered: memory is where the messages live.
    }

    public void SkipTo(ulong sequence, long timestampNs = 0)
    {
        lock (_lock)
        {
            if (sequence > _last)
            {
                _last = sequence;
                if (timestampNs != 0)
                {
                    _lastTimestamp = timestampNs;
                }
            }
        }
    }

    public bool TryLoad(ulong sequence, out StoredMessage message)
    {
        lock (_lock)
        {
            return TryGet(sequence, out message);
        }
    }

    public bool TryLoadNext(string filter, ulong startSequence, out StoredMessage message)
    {
        lock (_lock)
        {
            message = default;
            if (_sequences.Count == 0 || startSequence > _last)
            {
                return false;
            }

            ulong from = Math.Max(startSequence, _sequences.Min);
            if (JsSubject.IsAll(filter))
            {
                foreach (ulong seq in _sequences.GetViewBetween(from, _last))
                {
                    return TryGet(seq, out message);
                }

                return false;
            }

            if (!JsSubject.HasWildcard(filter))
            {
                if (_bySubject.TryGetValue(filter, out SortedSet<ulong>? set) && set.Max >= from)
                {
                    foreach (ulong seq in set.GetViewBetween(from, set.Max))
                    {
                        return TryGet(seq, out message);
                    }
                }

                return false;
            }

            foreach (ulong seq in _sequences.GetViewBetween(from, _last))
            {
                if (JsSubject.Matches(_messages[seq].Subject, filter))
                {
                    return TryGet(seq, out message);
                }
            }

            return false;
        }
    }

    public bool TryLoadLast(string filter, out StoredMessage message)
    {
        lock (_lock)
        {
            message = default;
            if (JsSubject.IsAll(filter))
            {
                return _sequences.Count > 0 && TryGet(_sequences.Max, out message);
            }

            if (!JsSubject.HasWildcard(filter))
            {
                return _bySubject.TryGetValue(filter, out SortedSet<ulong>? set) && TryGet(set.Max, out message);
            }

            foreach (ulong seq in _sequences.Reverse())
            {
                if (JsSubject.Matches(_messages[seq].Subject, filter))
                {
                    return TryGet(seq, out message);
                }
            }

            return false;
        }
    }

    public bool Remove(ulong sequence, bool erase = false)
    {
        lock (_lock)
        {
            return RemoveLocked(sequence);
        }
    }

    public ulong Purge(string? subject = null, ulong upToSequence = 0, ulong keep = 0)
    {
        lock (_lock)
        {
            if (_sequences.Count == 0)
            {
                if (upToSequence > _last + 1 && subject is null)
                {
                    _last = upToSequence - 1;
                }

                return 0;
            }

            List<ulong> matching = JsSubject.IsAll(subject)
                ? [.. _sequences]
                : !JsSubject.HasWildcard(subject!)
                    ? _bySubject.TryGetValue(subject!, out SortedSet<ulong>? set) ? [.. set] : []
                    : [.. _sequences.Where(s => JsSubject.Matches(_messages[s].Subject, subject))];
            int end = matching.Count;
            if (keep > 0)
            {
                end = Math.Max(0, matching.Count - (int)Math.Min(keep, (ulong)matching.Count));
            }

            ulong purged = 0;
            for (int i = 0; i < end; i++)
            {
                if (upToSequence > 0 && matching[i] >= upToSequence)
                {
                    break;
                }

                if (RemoveLocked(matching[i]))
                {
                    purged++;
                }
            }

            if (JsSubject.IsAll(subject) && upToSequence > _last + 1)
            {
                _last = upToSequence - 1;
            }

            return purged;
        }
    }

    public ulong ExpireByAge(long nowNs)
    {
        List<(ulong, string)> removed = [];
        lock (_lock)
        {
            if (_limits.MaxAge <= TimeSpan.Zero)
            {
                return 0;
            }

            long cutoff = nowNs - (_limits.MaxAge.Ticks * 100);
            while (_sequences.Count > 0 && _messages[_sequences.Min].TimestampNs <= cutoff)
            {
                ulong seq = _sequences.Min;
                string subject = _messages[seq].Subject;
                RemoveLocked(seq);
                removed.Add((seq, subject));
            }
        }

        Notify(removed);
        return (ulong)removed.Count;
    }

    public IReadOnlyDictionary<string, ulong> SubjectTotals(string filter)
    {
        lock (_lock)
        {
            var totals = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, SortedSet<ulong>> s in _bySubject)
            {
                if (JsSubject.Matches(s.Key, filter))
                {
                    totals[s.Key] = (ulong)s.Value.Count;
                }
            }

            return totals;
        }
    }

    public ulong NumPending(ulong startSequence, string filter, bool lastPerSubject)
    {
        lock (_lock)
        {
            if (_sequences.Count == 0 || startSequence > _last)
            {
                return 0;
            }

            ulong from = Math.Max(startSequence, _sequences.Min);
            if (lastPerSubject)
            {
                ulong n = 0;
                foreach (KeyValuePair<string, SortedSet<ulong>> s in _bySubject)
                {
                    if (s.Value.Max >= from && JsSubject.Matches(s.Key, filter))
                    {
                        n++;
                    }
                }

                return n;
            }

            if (JsSubject.IsAll(filter))
            {
                return (ulong)_sequences.GetViewBetween(from, _last).Count;
            }

            ulong count = 0;
            foreach (KeyValuePair<string, SortedSet<ulong>> s in _bySubject)
            {
                if (s.Value.Max >= from && JsSubject.Matches(s.Key, filter))
                {
                    count += (ulong)s.Value.GetViewBetween(from, s.Value.Max).Count;
                }
            }

            return count;
        }
    }

    public void WriteMetadata(ReadOnlySpan<byte> json) => _metadata = json.ToArray();

    public byte[]? ReadMetadata() => _metadata;

    public IConsumerStore OpenConsumer(string name)
    {
        lock (_lock)
        {
            if (!_consumers.TryGetValue(name, out MemoryConsumerStore? store))
            {
                _consumers[name] = store = new MemoryConsumerStore();
            }

            return store;
        }
    }

    public IReadOnlyList<string> ConsumerNames()
    {
        lock (_lock)
        {
            return [.. _consumers.Keys];
        }
    }

    public void DeleteConsumer(string name)
    {
        lock (_lock)
        {
            _consumers.Remove(name);
        }
    }

    public void Sync()
    {
    }

    public void Delete()
    {
        lock (_lock)
        {
            _messages.Clear();
            _sequences.Clear();
            _bySubject.Clear();
            _consumers.Clear();
            _bytes = 0;
        }
    }

    public void Dispose()
    {
    }

    private static long NowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private bool TryGet(ulong seq, out StoredMessage message)
    {
        if (_messages.TryGetValue(seq, out Entry? e))
        {
            message = new StoredMessage(seq, e.Subject, e.Header, e.Data, e.TimestampNs);
            return true;
        }

        message = default;
        return false;
    }

    private bool RemoveLocked(ulong seq)
    {
        if (!_messages.Remove(seq, out Entry? e))
        {
            return false;
        }

        _sequences.Remove(seq);
        _bytes -= SizeOf(e.Subject, e.Header.Length, e.Data.Length);
        SortedSet<ulong> set = _bySubject[e.Subject];
        set.Remove(seq);
        if (set.Count == 0)
        {
            _bySubject.Remove(e.Subject);
        }

        return true;
    }

    /// <summary>
    /// Removes what exceeds the limits. After an append only <paramref name="appended"/>'s subject can
    /// exceed its own, and it is trimmed first (nats-server's order per message); on a change of limits
    /// the stream-wide limits go first, then each subject's (as the file store applies them).
    /// </summary>
    private List<(ulong, string)> EnforceLimits(string? appended)
    {
        List<(ulong, string)> removed = [];
        if (appended is not null)
        {
            TrimSubjects(appended, removed);
            TrimStream(removed);
        }
        else
        {
            TrimStream(removed);
            TrimSubjects(null, removed);
        }

        return removed;
    }

    private void TrimSubjects(string? only, List<(ulong, string)> removed)
    {
        long max = _limits.MaxMsgsPerSubject;
        if (max <= 0)
        {
            return;
        }

        IEnumerable<KeyValuePair<string, SortedSet<ulong>>> subjects = only is null
            ? _bySubject.ToList()
            : [new(only, _bySubject[only])];
        foreach (KeyValuePair<string, SortedSet<ulong>> s in subjects)
        {
            while (s.Value.Count > max)
            {
                ulong seq = s.Value.Min;
                RemoveLocked(seq);
                removed.Add((seq, s.Key));
            }
        }
    }

    private void TrimStream(List<(ulong, string)> removed)
    {
        StreamStoreLimits l = _limits;
        while (_sequences.Count > 0
            && ((l.MaxMsgs >= 0 && _sequences.Count > l.MaxMsgs) || (l.MaxBytes >= 0 && _bytes > (ulong)l.MaxBytes)))
        {
            ulong seq = _sequences.Min;
            string subject = _messages[seq].Subject;
            RemoveLocked(seq);
            removed.Add((seq, subject));
        }
    }

    private void Notify(List<(ulong Seq, string Subject)> removed)
    {
        if (Removed is { } callback)
        {
            foreach ((ulong seq, string subject) in removed)
            {
                callback(seq, subject);
            }
        }
    }

    private sealed record Entry(string Subject, byte[] Header, byte[] Data, long TimestampNs);
}
