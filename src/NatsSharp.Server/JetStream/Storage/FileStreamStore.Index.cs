namespace NatsSharp.Server.JetStream.Storage;

/// <summary>The sequence index and removals (one message, a whole block, limits, age).</summary>
internal sealed partial class FileStreamStore
{
    private ref IndexEntry EntryRef(ulong seq) => ref _entries[_entryStart + (int)(seq - _indexBase)];

    private IndexEntry Entry(ulong seq) => seq >= _indexBase && seq <= _lastSeq ? _entries[_entryStart + (int)(seq - _indexBase)] : default;

    /// <summary>Empties the index (clearing only the part in use) and restarts it at <paramref name="newBase"/>.</summary>
    private void ResetIndex(ulong newBase)
    {
        if (_lastSeq + 1 > _indexBase)
        {
            long used = Math.Min((long)(_lastSeq + 1 - _indexBase), _entries.Length - _entryStart);
            Array.Clear(_entries, _entryStart, (int)used);
        }

        _entryStart = 0;
        _indexBase = newBase;
    }

    /// <summary>Adds the entry for <paramref name="seq"/> (= last + 1, or later with empty entries between).</summary>
    private void AddEntry(ulong seq, IndexEntry entry)
    {
        if (_msgs == 0 || seq < _indexBase)
        {
            // Nothing live below seq: restart the index at it.
            ResetIndex(seq);
        }

        long position = _entryStart + (long)(seq - _indexBase);
        if (position >= _entries.Length)
        {
            int used = (int)(_lastSeq + 1 - _indexBase);
            if (_entryStart > 0 && _entryStart >= _entries.Length / 2)
            {
                Array.Copy(_entries, _entryStart, _entries, 0, used);
                Array.Clear(_entries, used, _entries.Length - used);
                _entryStart = 0;
            }

            position = _entryStart + (long)(seq - _indexBase);
            if (position >= _entries.Length)
            {
                var grown = new IndexEntry[Math.Max(position + 1, (long)_entries.Length * 2)];
                Array.Copy(_entries, _entryStart, grown, 0, used);
                _entries = grown;
                _entryStart = 0;
                position = (long)(seq - _indexBase);
            }
        }

        _entries[position] = entry;
    }

    /// <summary>The last sequence moves to <paramref name="sequence"/> with no message.</summary>
    private void SkipIndexTo(ulong sequence)
    {
        if (_msgs == 0)
        {
            ResetIndex(sequence + 1);
            _firstSeq = sequence + 1;
        }
        else
        {
            AddEntry(sequence, default);
        }

        _lastSeq = sequence;
    }

    private void SkipToLocked(ulong sequence)
    {
        long ts = UnixNowNs();
        WriteRecord(BlockRecord.Overhead, BlockRecord.Skip, sequence, ts, "", default, default);
        SkipIndexTo(sequence);
        _lastTs = ts;
    }

    private bool RemoveOne(ulong seq, bool erase, bool byLimits)
    {
        if (_msgs == 0 || seq < _firstSeq || seq > _lastSeq)
        {
            return false;
        }

        ref var entry = ref EntryRef(seq);
        var block = entry.Block;
        if (block is null)
        {
            return false;
        }

        int offset = entry.Offset;
        int length = entry.Length;
        string subject = ForgetEntry(seq, ref entry);
        if (block.LiveMessages == 0 && block != _writeBlock)
        {
            RemoveBlockFile(block);
        }
        else
        {
            MarkDeleted(block, offset, length, erase);
        }

        AdvanceFirst();
        if (byLimits)
        {
            Removed?.Invoke(seq, subject);
        }

        return true;
    }

    /// <summary>Takes one live entry out of the counts and the subject index; returns its subject.</summary>
    private string ForgetEntry(ulong seq, ref IndexEntry entry)
    {
        var block = entry.Block!;
        block.LiveMessages--;
        block.LiveBytes -= AccountedBytes(entry);
        _msgs--;
        _bytes -= AccountedBytes(entry);
        int subjectId = entry.SubjectId;
        entry.Block = null;

        var info = _subjects[subjectId]!;
        info.Count--;
        if (info.Count == 0)
        {
            _subjectIds.Remove(info.Subject);
            _subjects[subjectId] = null;
            _freeSubjectIds.Push(subjectId);
            return info.Subject;
        }

        if (info.First == seq)
        {
            ulong next = entry.NextInSubject;
            while (Entry(next).Block is null)
            {
                next = EntryRef(next).NextInSubject;
            }

            info.First = next;
        }
        else if (info.Last == seq)
        {
            ulong prev = seq - 1;
            while (EntryRef(prev).Block is null || EntryRef(prev).SubjectId != subjectId)
            {
                prev--;
            }

            info.Last = prev;
            EntryRef(prev).NextInSubject = 0;
        }

        return info.Subject;
    }

    /// <summary>Records the delete in place: one byte (the record's state), or the payload zeroed too.</summary>
    private void MarkDeleted(MessageBlock block, int offset, int length, bool erase)
    {
        byte state = erase ? BlockRecord.Erased : BlockRecord.Deleted;
        byte stateByte = BlockRecord.StateByte(length, state);
        if (offset >= block.Written)
        {
            // Still buffered (group commit): the flush writes the record as the cache now holds it.
            block.Cache![offset + BlockRecord.StateByteOffset] = stateByte;
            if (erase)
            {
                block.Cache.AsSpan(offset + BlockRecord.HeaderSize, length - BlockRecord.HeaderSize - 4).Clear();
            }

            return;
        }

        if (block.Cache is { } cache && cache.Length > offset + BlockRecord.StateByteOffset)
        {
            cache[offset + BlockRecord.StateByteOffset] = stateByte;
        }

        if (!erase && _writeBlock.Written < _writeBlock.Size)
        {
            // A buffered append pushed this one out (a limit): its delete reaches the OS after the
            // append does, so a kill never leaves the old message deleted and the new one unwritten.
            _deferredDeletes.Add((block, offset, stateByte));
            return;
        }

        FlushPendingLocked();
        // The state first: a kill between the two writes leaves an erased record with its bytes,
        // never a live one whose bytes no longer match its checksum.
        RandomAccess.Write(block.Handle, [stateByte], offset + BlockRecord.StateByteOffset);
        if (erase)
        {
            var zeros = new byte[length - BlockRecord.HeaderSize - 4];
            RandomAccess.Write(block.Handle, zeros, offset + BlockRecord.HeaderSize);
            if (block.Cache is { } cached)
            {
                zeros.CopyTo(cached.AsSpan(offset + BlockRecord.HeaderSize));
            }
        }

        if (_options.SyncAlways)
        {
            RandomAccess.FlushToDisk(block.Handle);
        }
        else
        {
            block.Dirty = true;
        }
    }

    /// <summary>
    /// Writes the deletes that waited for a flush: those in the write block as one range of its cache
    /// (which holds their new state bytes), others one byte each.
    /// </summary>
    private void WriteDeferredDeletes()
    {
        var write = _writeBlock;
        int from = int.MaxValue;
        foreach (var (block, offset, stateByte) in _deferredDeletes)
        {
            if (block.Handle.IsClosed)
            {
                continue; // its file went (a limit dropped the whole block)
            }

            if (block == write && write.Written - offset <= MaxDeleteRange)
            {
                from = Math.Min(from, offset + BlockRecord.StateByteOffset);
                continue;
            }

            RandomAccess.Write(block.Handle, [stateByte], offset + BlockRecord.StateByteOffset);
            SyncOrMarkDirty(block);
        }

        _deferredDeletes.Clear();
        if (from != int.MaxValue)
        {
            RandomAccess.Write(write.Handle, write.Cache.AsSpan(from, write.Written - from), from);
            SyncOrMarkDirty(write);
        }
    }

    private void SyncOrMarkDirty(MessageBlock block)
    {
        if (_options.SyncAlways)
        {
            RandomAccess.FlushToDisk(block.Handle);
        }
        else
        {
            block.Dirty = true;
        }
    }

    /// <summary>Removes every live message of a block by deleting its file; returns how many.</summary>
    private ulong DropBlock(MessageBlock block, bool byLimits)
    {
        ulong removed = 0;
        for (ulong seq = Math.Max(block.FirstSequence, _firstSeq); seq <= block.LastSequence && block.LiveMessages > 0; seq++)
        {
            ref var entry = ref EntryRef(seq);
            if (entry.Block == block)
            {
                string subject = ForgetEntry(seq, ref entry);
                removed++;
                if (byLimits)
                {
                    Removed?.Invoke(seq, subject);
                }
            }
        }

        RemoveBlockFile(block);
        AdvanceFirst();
        return removed;
    }

    private void AdvanceFirst()
    {
        if (_msgs == 0)
        {
            _firstSeq = _lastSeq + 1;
            ResetIndex(_firstSeq);
            return;
        }

        while (EntryRef(_firstSeq).Block is null)
        {
            _firstSeq++;
        }

        // Entries below the first live one are never read again.
        int drop = (int)(_firstSeq - _indexBase);
        if (drop > 0)
        {
            Array.Clear(_entries, _entryStart, drop);
            _entryStart += drop;
            _indexBase = _firstSeq;
        }
    }

    private void PurgeAll()
    {
        foreach (var block in _blocks.ToArray())
        {
            if (block != _writeBlock)
            {
                RemoveBlockFile(block);
            }
        }

        _msgs = 0;
        _bytes = 0;
        _subjectIds.Clear();
        _subjects.Clear();
        _freeSubjectIds.Clear();
        _filterMatches.Clear();
        _writeBlock.LiveMessages = 0;
        _writeBlock.LiveBytes = 0;
        // Removing the write block starts a new one holding the last sequence.
        RemoveBlockFile(_writeBlock);
        AdvanceFirst();
    }

    private void EnforceLimits(long nowTicks)
    {
        EnforceSizeLimits();
        if (Limits.MaxMsgsPerSubject > 0)
        {
            ulong max = (ulong)Limits.MaxMsgsPerSubject;
            for (int id = 0; id < _subjects.Count; id++)
            {
                if (_subjects[id] is { } info && info.Count > max)
                {
                    EnforcePerSubject(info, max);
                }
            }
        }

        ExpireLocked((nowTicks - DateTime.UnixEpoch.Ticks) * 100);
    }

    private void EnforceSizeLimits()
    {
        long maxMsgs = Limits.MaxMsgs;
        long maxBytes = Limits.MaxBytes;
        while (_msgs > 0 && ((maxMsgs > 0 && _msgs > (ulong)maxMsgs) || (maxBytes > 0 && _bytes > (ulong)maxBytes)))
        {
            var block = Entry(_firstSeq).Block!;
            // Drop the whole first block when all of it would go one by one anyway.
            bool wholeByMsgs = maxMsgs <= 0 || _msgs - block.LiveMessages >= (ulong)maxMsgs;
            bool wholeByBytes = maxBytes <= 0 || _bytes - block.LiveBytes >= (ulong)maxBytes;
            if (wholeByMsgs && wholeByBytes && block.LiveMessages > 1)
            {
                DropBlock(block, byLimits: true);
            }
            else
            {
                RemoveOne(_firstSeq, erase: false, byLimits: true);
            }
        }
    }

    private void EnforcePerSubject(SubjectInfo info, ulong max)
    {
        while (info.Count > max)
        {
            RemoveOne(info.First, erase: false, byLimits: true);
        }
    }

    private ulong ExpireLocked(long nowNs)
    {
        if (Limits.MaxAge <= TimeSpan.Zero || _msgs == 0)
        {
            return 0;
        }

        long cutoff = nowNs - Limits.MaxAge.Ticks * 100;
        ulong removed = 0;
        while (_msgs > 0)
        {
            ref var first = ref EntryRef(_firstSeq);
            if (first.TimestampNs > cutoff)
            {
                break;
            }

            var block = first.Block!;
            var lastOfBlock = LastLiveOf(block);
            if (block.LiveMessages > 1 && lastOfBlock.TimestampNs <= cutoff)
            {
                removed += DropBlock(block, byLimits: true);
            }
            else
            {
                removed += RemoveOne(_firstSeq, erase: false, byLimits: true) ? 1UL : 0;
            }
        }

        return removed;
    }

    private IndexEntry LastLiveOf(MessageBlock block)
    {
        for (ulong seq = Math.Min(block.LastSequence, _lastSeq); seq >= _firstSeq; seq--)
        {
            var entry = Entry(seq);
            if (entry.Block == block)
            {
                return entry;
            }
        }

        return default;
    }
}
