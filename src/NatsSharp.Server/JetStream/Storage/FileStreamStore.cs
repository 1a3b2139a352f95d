using System.Buffers.Binary;
using System.Globalization;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// A stream's messages in append-only block files under <c>&lt;dir&gt;/msgs/</c>, with an in-memory
/// index (sequence → block and offset, subject → count/first/last) rebuilt from the files at open.
/// Threading: one lock around everything; the stream's loop appends, readers load concurrently.
/// Durability: every write is a pwrite to the OS before the call returns (a kill of the process
/// loses nothing acknowledged); fsync per <see cref="FileStoreOptions"/>. See docs/jetstream-storage.md.
/// </summary>
internal sealed partial class FileStreamStore : IStreamStore
{
    private const int CachedBlocks = 4;
    private const int MinCacheCapacity = 64 * 1024;

    // Deferred deletes in the write block this close to its end are rewritten as one range.
    private const int MaxDeleteRange = 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _msgsDirectory;
    private readonly FileStoreOptions _options;
    private readonly Action<StoreLoss>? _onLoss;
    private readonly List<MessageBlock> _blocks = [];
    private readonly List<MessageBlock> _readCache = [];
    private readonly Dictionary<string, int> _subjectIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _subjectLookup;
    private readonly List<SubjectInfo?> _subjects = [];
    private readonly Stack<int> _freeSubjectIds = new();
    private readonly Dictionary<string, sbyte[]> _filterMatches = new(StringComparer.Ordinal);
    private readonly Timer? _syncTimer;
    private readonly List<(MessageBlock Block, int Offset, byte StateByte)> _deferredDeletes = [];

    // The index: _entries[_entryStart + (seq - _indexBase)] for seq in [_indexBase, _lastSeq].
    private IndexEntry[] _entries = new IndexEntry[1024];
    private int _entryStart;
    private ulong _indexBase = 1;

    private ulong _firstSeq = 1;
    private ulong _lastSeq;
    private long _lastTs;
    private ulong _msgs;
    private ulong _bytes;
    private int _nextBlockNumber = 1;
    private MessageBlock _writeBlock = null!;
    private byte[]? _spareCache;
    private bool _disposed;

    public FileStreamStore(string directory, StreamStoreLimits? limits = null, FileStoreOptions? options = null, Action<StoreLoss>? onLoss = null)
    {
        _directory = directory;
        _msgsDirectory = Path.Combine(directory, "msgs");
        _options = options ?? new FileStoreOptions();
        _onLoss = onLoss;
        Limits = limits ?? new StreamStoreLimits();
        _subjectLookup = _subjectIds.GetAlternateLookup<ReadOnlySpan<char>>();
        Directory.CreateDirectory(_msgsDirectory);
        Directory.CreateDirectory(Path.Combine(directory, "obs"));
        lock (_lock)
        {
            Recover();
            EnforceLimits(DateTime.UtcNow.Ticks);
        }

        if (_options.SyncInterval > TimeSpan.Zero && !_options.SyncAlways)
        {
            _syncTimer = new Timer(_ => SyncQuietly(), null, _options.SyncInterval, _options.SyncInterval);
        }
    }

    public StreamStoreLimits Limits { get; private set; }

    public Action<ulong, string>? Removed { get; set; }

    public StreamStoreState State
    {
        get
        {
            lock (_lock)
            {
                ulong deleted = _msgs == 0 ? 0 : _lastSeq - _firstSeq + 1 - _msgs;
                long firstTs = _msgs == 0 ? 0 : Entry(_firstSeq).TimestampNs;
                return new StreamStoreState(_msgs, _bytes, _firstSeq, firstTs, _lastSeq, _lastTs, deleted, (ulong)_subjectIds.Count);
            }
        }
    }

    public void UpdateLimits(StreamStoreLimits limits)
    {
        lock (_lock)
        {
            FlushPendingLocked();
            Limits = limits;
            EnforceLimits(DateTime.UtcNow.Ticks);
        }
    }

    public (ulong Sequence, long TimestampNs) Append(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, long timestampNs = 0) =>
        AppendCore(subject, header, data, timestampNs, buffered: false);

    public (ulong Sequence, long TimestampNs) AppendBuffered(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data) =>
        AppendCore(subject, header, data, 0, buffered: true);

    public void Flush()
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            FlushPendingLocked();
        }
    }

    public void SkipTo(ulong sequence, long timestampNs = 0)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (sequence <= _lastSeq)
            {
                return;
            }

            long ts = timestampNs != 0 ? timestampNs : UnixNowNs();
            WriteRecord(BlockRecord.Overhead, BlockRecord.Skip, sequence, ts, "", default, default);
            SkipIndexTo(sequence);
            _lastTs = ts;
        }
    }

    public bool TryLoad(ulong sequence, out StoredMessage message)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (sequence < _firstSeq || sequence > _lastSeq || _msgs == 0)
            {
                message = default;
                return false;
            }

            return TryLoadEntry(sequence, out message);
        }
    }

    public bool TryLoadNext(string filter, ulong startSequence, out StoredMessage message)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            message = default;
            if (_msgs == 0)
            {
                return false;
            }

            ulong seq = Math.Max(startSequence, _firstSeq);
            if (SubjectFilter.IsAll(filter))
            {
                for (; seq <= _lastSeq; seq++)
                {
                    if (Entry(seq).Block is not null)
                    {
                        return TryLoadEntry(seq, out message);
                    }
                }

                return false;
            }

            if (SubjectFilter.IsLiteral(filter))
            {
                if (!_subjectIds.TryGetValue(filter, out int id))
                {
                    return false;
                }

                var info = _subjects[id]!;
                if (info.Last < seq)
                {
                    return false;
                }

                // Follow the subject's chain when it starts at or after seq, else scan the index.
                if (info.First >= seq)
                {
                    return TryLoadEntry(info.First, out message);
                }
            }

            var matches = MatchesFor(filter);
            for (; seq <= _lastSeq; seq++)
            {
                ref var entry = ref EntryRef(seq);
                if (entry.Block is not null && Matches(matches, entry.SubjectId, filter))
                {
                    return TryLoadEntry(seq, out message);
                }
            }

            return false;
        }
    }

    public bool TryLoadLast(string filter, out StoredMessage message)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            message = default;
            if (_msgs == 0)
            {
                return false;
            }

            if (SubjectFilter.IsAll(filter))
            {
                for (ulong seq = _lastSeq; seq >= _firstSeq; seq--)
                {
                    if (Entry(seq).Block is not null)
                    {
                        return TryLoadEntry(seq, out message);
                    }
                }

                return false;
            }

            if (SubjectFilter.IsLiteral(filter))
            {
                return _subjectIds.TryGetValue(filter, out int id) && TryLoadEntry(_subjects[id]!.Last, out message);
            }

            ulong last = 0;
            var matches = MatchesFor(filter);
            for (int id = 0; id < _subjects.Count; id++)
            {
                var info = _subjects[id];
                if (info is not null && info.Last > last && Matches(matches, id, filter))
                {
                    last = info.Last;
                }
            }

            return last != 0 && TryLoadEntry(last, out message);
        }
    }

    public bool Remove(ulong sequence, bool erase = false)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return RemoveOne(sequence, erase, byLimits: false);
        }
    }

    public ulong Purge(string? subject = null, ulong upToSequence = 0, ulong keep = 0)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            bool all = SubjectFilter.IsAll(subject);
            if (all && keep == 0 && (upToSequence == 0 || upToSequence > _lastSeq))
            {
                ulong purged = _msgs;
                PurgeAll();
                if (upToSequence > _lastSeq + 1)
                {
                    // nats-server's compact past the end: the next message gets upToSequence.
                    SkipToLocked(upToSequence - 1);
                }

                return purged;
            }

            // The candidates, oldest first: matching messages below upToSequence.
            ulong end = upToSequence == 0 ? _lastSeq : Math.Min(upToSequence - 1, _lastSeq);
            var candidates = new List<ulong>();
            var matches = all ? null : MatchesFor(subject!);
            for (ulong seq = _firstSeq; seq <= end && _msgs > 0; seq++)
            {
                ref var entry = ref EntryRef(seq);
                if (entry.Block is not null && (all || Matches(matches!, entry.SubjectId, subject!)))
                {
                    candidates.Add(seq);
                }
            }

            int count = candidates.Count;
            if (keep > 0)
            {
                count = keep >= (ulong)count ? 0 : count - (int)keep;
            }

            ulong removed = 0;
            int i = 0;
            while (i < count)
            {
                // A block whose live messages are all purged goes as a whole file.
                var block = Entry(candidates[i]).Block!;
                int j = i;
                while (j < count && Entry(candidates[j]).Block == block)
                {
                    j++;
                }

                if ((ulong)(j - i) == block.LiveMessages)
                {
                    removed += DropBlock(block, byLimits: false);
                }
                else
                {
                    for (int k = i; k < j; k++)
                    {
                        removed += RemoveOne(candidates[k], erase: false, byLimits: false) ? 1UL : 0;
                    }
                }

                i = j;
            }

            return removed;
        }
    }

    public ulong ExpireByAge(long nowNs)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            return ExpireLocked(nowNs);
        }
    }

    public IReadOnlyDictionary<string, ulong> SubjectTotals(string filter)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            var totals = new Dictionary<string, ulong>(StringComparer.Ordinal);
            if (SubjectFilter.IsLiteral(filter))
            {
                if (_subjectIds.TryGetValue(filter, out int id))
                {
                    totals[filter] = _subjects[id]!.Count;
                }

                return totals;
            }

            var matches = SubjectFilter.IsAll(filter) ? null : MatchesFor(filter);
            for (int id = 0; id < _subjects.Count; id++)
            {
                var info = _subjects[id];
                if (info is not null && (matches is null || Matches(matches, id, filter)))
                {
                    totals[info.Subject] = info.Count;
                }
            }

            return totals;
        }
    }

    public ulong NumPending(ulong startSequence, string filter, bool lastPerSubject)
    {
        lock (_lock)
        {
            ThrowIfDisposed();
            if (_msgs == 0 || startSequence > _lastSeq)
            {
                return 0;
            }

            // One subject from before its first message: the subject's count, no scan (KV discard-new checks this per put).
            if (SubjectFilter.IsLiteral(filter))
            {
                if (!_subjectIds.TryGetValue(filter, out int id))
                {
                    return 0;
                }

                SubjectInfo info = _subjects[id]!;
                if (lastPerSubject)
                {
                    return info.Last >= startSequence ? 1UL : 0UL;
                }

                if (startSequence <= info.First)
                {
                    return info.Count;
                }
            }

            bool all = SubjectFilter.IsAll(filter);
            var matches = all ? null : MatchesFor(filter);
            if (lastPerSubject)
            {
                ulong subjects = 0;
                for (int id = 0; id < _subjects.Count; id++)
                {
                    var info = _subjects[id];
                    if (info is not null && info.Last >= startSequence && (all || Matches(matches!, id, filter)))
                    {
                        subjects++;
                    }
                }

                return subjects;
            }

            if (startSequence <= _firstSeq && all)
            {
                return _msgs;
            }

            ulong pending = 0;
            for (ulong seq = Math.Max(startSequence, _firstSeq); seq <= _lastSeq; seq++)
            {
                ref var entry = ref EntryRef(seq);
                if (entry.Block is not null && (all || Matches(matches!, entry.SubjectId, filter)))
                {
                    pending++;
                }
            }

            return pending;
        }
    }

    public void WriteMetadata(ReadOnlySpan<byte> json) => MetadataFile.Write(Path.Combine(_directory, "meta.inf"), json);

    public byte[]? ReadMetadata() => MetadataFile.Read(Path.Combine(_directory, "meta.inf"));

    public IConsumerStore OpenConsumer(string name) => new FileConsumerStore(Path.Combine(_directory, "obs", name), _options, _onLoss);

    public IReadOnlyList<string> ConsumerNames()
    {
        string obs = Path.Combine(_directory, "obs");
        return Directory.Exists(obs) ? Directory.GetDirectories(obs).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];
    }

    public void DeleteConsumer(string name)
    {
        string path = Path.Combine(_directory, "obs", name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    public void Sync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            FlushPendingLocked();
            foreach (var block in _blocks)
            {
                if (block.Dirty)
                {
                    RandomAccess.FlushToDisk(block.Handle);
                    block.Dirty = false;
                }
            }
        }
    }

    public void Delete()
    {
        Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public void Dispose()
    {
        _syncTimer?.Dispose();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                FlushPendingLocked(); // buffered appends were never acknowledged, but keep them if the OS takes them
            }
            catch (IOException)
            {
            }

            foreach (var block in _blocks)
            {
                block.Dispose();
            }

            // The write block is one of _blocks (disposed above); this covers a failed roll.
            _writeBlock?.Dispose();
            _blocks.Clear();
            _readCache.Clear();
        }
    }

    internal static long UnixNowNs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private (ulong Sequence, long TimestampNs) AppendCore(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, long timestampNs, bool buffered)
    {
        long length = (long)BlockRecord.Overhead + subject.Length + header.Length + data.Length;
        if (length > BlockRecord.MaxLength || subject.Length > ushort.MaxValue)
        {
            throw new ArgumentException("message too large for the file store");
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ulong seq = _lastSeq + 1;
            long ts = timestampNs != 0 ? timestampNs : UnixNowNs();
            int offset = WriteRecord((int)length, BlockRecord.Live, seq, ts, subject, header, data, buffered);

            int subjectId = SubjectIdFor(subject);
            SubjectInfo info = IndexLive(seq, subjectId, _writeBlock, offset, (int)length, ts, header.Length > 0);
            _lastSeq = seq;
            _lastTs = ts;

            // nats-server's order: the subject's limit first, then max_msgs, then max_bytes.
            if (Limits.MaxMsgsPerSubject > 0)
            {
                EnforcePerSubject(info, (ulong)Limits.MaxMsgsPerSubject);
            }

            EnforceSizeLimits();

            return (seq, ts);
        }
    }

    /// <summary>Writes the write block's buffered tail [Written, Size) to the OS in one call.</summary>
    private void FlushPendingLocked()
    {
        var block = _writeBlock;
        if (block is null || block.Written >= block.Size)
        {
            return;
        }

        RandomAccess.Write(block.Handle, block.Cache.AsSpan(block.Written, block.Size - block.Written), block.Written);
        block.Written = block.Size;
        SyncOrMarkDirty(block);
        if (_deferredDeletes.Count > 0)
        {
            WriteDeferredDeletes();
        }
    }

    private void SyncQuietly()
    {
        try
        {
            Sync();
        }
        catch (IOException)
        {
            // The next tick tries again; a broken disk shows up on the next append.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Every member but the appends starts here: buffered appends reach the OS before anything else
    /// happens (a delete, a purge, a read that could show them), so nothing is observed before it is written.
    /// </summary>
    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlushPendingLocked();
    }

    private string BlockPath(int number) => Path.Combine(_msgsDirectory, number.ToString(CultureInfo.InvariantCulture) + ".blk");

    /// <summary>Writes one record at the end of the write block (rolling to a new block when full); returns its offset.</summary>
    private int WriteRecord(int length, byte state, ulong seq, long ts, string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, bool buffered = false)
    {
        if (_writeBlock.Size > 0 && _writeBlock.Size + length > _options.BlockSize)
        {
            RollBlock();
        }

        var block = _writeBlock;
        int offset = block.Size;
        var cache = EnsureCapacity(block, offset + length);
        var record = cache.AsSpan(offset, length);
        BlockRecord.Write(record, state, seq, ts, subject, header, data);
        block.Size = offset + length;
        if (block.FirstSequence == 0)
        {
            block.FirstSequence = seq;
        }

        block.LastSequence = seq;
        if (!buffered)
        {
            try
            {
                FlushPendingLocked();
            }
            catch
            {
                // Not written: forget the record (and anything buffered before it is retried on the next flush).
                block.Size = offset;
                throw;
            }
        }

        return offset;
    }

    private static byte[] EnsureCapacity(MessageBlock block, int needed)
    {
        var cache = block.Cache!;
        if (cache.Length >= needed)
        {
            return cache;
        }

        // Grow by doubling; the old array stays valid for readers that hold slices of it.
        var grown = new byte[Math.Max(needed, Math.Max(MinCacheCapacity, cache.Length * 2))];
        cache.AsSpan(0, block.Size).CopyTo(grown);
        block.Cache = grown;
        return grown;
    }

    private void RollBlock()
    {
        FlushPendingLocked();
        var old = _writeBlock;
        if (old.Dirty && _options.SyncInterval > TimeSpan.Zero)
        {
            // A full block is synced as it is closed, so the interval bounds only the newest block.
            RandomAccess.FlushToDisk(old.Handle);
            old.Dirty = false;
        }

        _writeBlock = CreateBlock();
        if (old.LiveMessages == 0)
        {
            RemoveBlockFile(old);
        }
        else
        {
            TouchReadCache(old);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The block owns the handle; _blocks owns the block.")]
    private MessageBlock CreateBlock()
    {
        int number = _nextBlockNumber++;
        string path = BlockPath(number);
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        // The first block grows its cache as it fills (a small stream stays small); later ones take
        // a full-size buffer, reused from an evicted block when there is one: no allocation per message.
        var cache = _spareCache ?? new byte[_blocks.Count == 0 ? Math.Min(MinCacheCapacity, _options.BlockSize) : _options.BlockSize];
        _spareCache = null;
        var block = new MessageBlock(number, path, handle) { Cache = cache };
        _blocks.Add(block);
        return block;
    }

    /// <summary>Keeps a full-size block buffer for the next block (readers were told to copy what they keep).</summary>
    private void KeepSpare(byte[]? cache)
    {
        if (cache is not null && cache.Length >= _options.BlockSize)
        {
            _spareCache = cache;
        }
    }

    private void RemoveBlockFile(MessageBlock block)
    {
        // A limit may drop a block for an append still buffered: the append reaches the OS first.
        FlushPendingLocked();
        if (block != _writeBlock)
        {
            KeepSpare(block.Cache);
        }

        _blocks.Remove(block);
        _readCache.Remove(block);
        block.Dispose();
        File.Delete(block.Path);
        if (block == _writeBlock)
        {
            // The newest block carries the last sequence: keep it in a fresh block as a skip record.
            _writeBlock = CreateBlock();
            if (_lastSeq > 0)
            {
                WriteRecord(BlockRecord.Overhead, BlockRecord.Skip, _lastSeq, _lastTs, "", default, default);
            }
        }
    }

    private void TouchReadCache(MessageBlock block)
    {
        if (block == _writeBlock)
        {
            return;
        }

        _readCache.Remove(block);
        _readCache.Add(block);
        while (_readCache.Count > CachedBlocks)
        {
            KeepSpare(_readCache[0].Cache);
            _readCache[0].Cache = null;
            _readCache.RemoveAt(0);
        }
    }

    private bool TryLoadEntry(ulong seq, out StoredMessage message)
    {
        ref var entry = ref EntryRef(seq);
        var block = entry.Block;
        if (block is null)
        {
            message = default;
            return false;
        }

        var cache = block.Cache;
        if (cache is null)
        {
            // A whole block is read at once: readers (consumers, mirrors) go through it in order.
            cache = new byte[block.Size];
            RandomAccess.Read(block.Handle, cache, 0);
            block.Cache = cache;
        }

        TouchReadCache(block);
        var record = cache.AsMemory(entry.Offset, entry.Length);
        int subjectLength = BinaryPrimitives.ReadUInt16LittleEndian(record.Span[20..]);
        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(record.Span[22..]);
        int dataStart = BlockRecord.HeaderSize + subjectLength + headerLength;
        message = new StoredMessage(
            seq,
            _subjects[entry.SubjectId]!.Subject,
            record.Slice(BlockRecord.HeaderSize + subjectLength, headerLength),
            record[dataStart..(entry.Length - 4)],
            entry.TimestampNs);
        return true;
    }

    /// <summary>Indexes a live record (an append, or one read back at open): its subject chain, the counters, its block's.</summary>
    private SubjectInfo IndexLive(ulong seq, int subjectId, MessageBlock block, int offset, int length, long ts, bool hasHeader)
    {
        SubjectInfo info = _subjects[subjectId]!;
        if (info.Count == 0)
        {
            info.First = seq;
        }
        else
        {
            EntryRef(info.Last).NextInSubject = seq;
        }

        info.Last = seq;
        info.Count++;
        if (_msgs == 0)
        {
            _firstSeq = seq;
        }

        var entry = new IndexEntry { Block = block, Offset = offset, Length = length, SubjectId = subjectId, TimestampNs = ts, HasHeader = hasHeader };
        AddEntry(seq, entry);
        _msgs++;
        _bytes += AccountedBytes(entry);
        block.LiveMessages++;
        block.LiveBytes += AccountedBytes(entry);
        return info;
    }

    /// <summary>A message's bytes as nats-server's file store counts them (its record has a header length field only with headers).</summary>
    /// <summary>What a message counts in the stream's bytes (nats-server's fileStoreMsgSize): the record, plus 4 with headers.</summary>
    public static ulong SizeOf(string subject, int header, int data) => (ulong)(BlockRecord.HeaderSize + 4 + subject.Length + header + data + (header > 0 ? 4 : 0));

    private static ulong AccountedBytes(in IndexEntry entry) => (ulong)entry.Length + (entry.HasHeader ? 4UL : 0UL);

    private int SubjectIdFor(string subject)
    {
        if (_subjectIds.TryGetValue(subject, out int id))
        {
            return id;
        }

        return NewSubject(subject);
    }

    private int NewSubject(string subject)
    {
        int id;
        if (_freeSubjectIds.Count > 0)
        {
            id = _freeSubjectIds.Pop();
            _subjects[id] = new SubjectInfo(subject);
        }
        else
        {
            id = _subjects.Count;
            _subjects.Add(new SubjectInfo(subject));
        }

        _subjectIds[subject] = id;
        foreach (var matches in _filterMatches.Values)
        {
            if (id < matches.Length)
            {
                matches[id] = 0;
            }
        }

        return id;
    }

    private sbyte[] MatchesFor(string filter)
    {
        if (!_filterMatches.TryGetValue(filter, out var matches) || matches.Length < _subjects.Count)
        {
            if (_filterMatches.Count >= 16 && matches is null)
            {
                _filterMatches.Clear();
            }

            var grown = new sbyte[Math.Max(16, _subjects.Count * 2)];
            matches?.CopyTo(grown, 0);
            _filterMatches[filter] = grown;
            matches = grown;
        }

        return matches;
    }

    /// <summary>Lazily evaluated per subject id: 0 unknown, 1 match, -1 no match.</summary>
    private bool Matches(sbyte[] matches, int subjectId, string filter)
    {
        sbyte known = matches[subjectId];
        if (known == 0)
        {
            known = SubjectFilter.Matches(_subjects[subjectId]!.Subject, filter) ? (sbyte)1 : (sbyte)-1;
            matches[subjectId] = known;
        }

        return known > 0;
    }
}
