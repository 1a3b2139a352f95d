using System.Buffers.Binary;
using System.Globalization;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>Open: the index rebuilt from the block files, a damaged tail cut and reported.</summary>
internal sealed partial class FileStreamStore
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The block owns the handle; _blocks owns the block.")]
    private void Recover()
    {
        var files = new List<(int Number, string Path)>();
        foreach (string path in Directory.GetFiles(_msgsDirectory, "*.blk"))
        {
            if (int.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                files.Add((number, path));
            }
        }

        files.Sort((a, b) => a.Number.CompareTo(b.Number));
        byte[]? lastBytes = null;
        foreach (var (number, path) in files)
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            var block = new MessageBlock(number, path, handle);
            _blocks.Add(block);
            _nextBlockNumber = number + 1;
            var bytes = new byte[RandomAccess.GetLength(handle)];
            int read = RandomAccess.Read(handle, bytes, 0);
            block.Size = ScanBlock(block, bytes.AsSpan(0, read));
            block.Written = block.Size;
            lastBytes = bytes;
        }

        if (_blocks.Count == 0)
        {
            _writeBlock = CreateBlock();
        }
        else
        {
            _writeBlock = _blocks[^1];
            _writeBlock.Cache = lastBytes;
            foreach (var block in _blocks.ToArray())
            {
                if (block != _writeBlock && block.LiveMessages == 0)
                {
                    RemoveBlockFile(block);
                }
            }
        }

        AdvanceFirst();
    }

    /// <summary>Indexes one block's records; cuts the file at the first one that fails its checks. Returns the size kept.</summary>
    private int ScanBlock(MessageBlock block, ReadOnlySpan<byte> bytes)
    {
        int pos = 0;
        ulong lastGood = 0;
        Span<char> chars = stackalloc char[256];
        while (pos < bytes.Length)
        {
            var record = bytes[pos..];
            string? problem = BlockRecord.Validate(record, out int length, out byte state);
            ulong seq = problem is null ? BinaryPrimitives.ReadUInt64LittleEndian(record[4..]) : 0;
            if (problem is null && seq <= _lastSeq && _lastSeq != 0)
            {
                problem = "sequence out of order";
            }

            if (problem == "checksum mismatch" && pos + length < bytes.Length && BlockRecord.Validate(bytes[(pos + length)..], out _, out _) is null)
            {
                // A damaged record inside a block whose next record is intact: lose that one only,
                // marked erased so the next open skips it quietly.
                Span<byte> erased = [BlockRecord.StateByte(length, BlockRecord.Erased)];
                RandomAccess.Write(block.Handle, erased, pos + BlockRecord.StateByteOffset);
                _onLoss?.Invoke(new StoreLoss(block.Path, pos, length, lastGood, "checksum mismatch (one record)"));
                pos += length;
                continue;
            }

            if (problem is not null)
            {
                RandomAccess.SetLength(block.Handle, pos);
                _onLoss?.Invoke(new StoreLoss(block.Path, pos, bytes.Length - pos, lastGood, problem));
                return pos;
            }

            long ts = BinaryPrimitives.ReadInt64LittleEndian(record[12..]);
            if (state == BlockRecord.Live)
            {
                int subjectLength = BinaryPrimitives.ReadUInt16LittleEndian(record[20..]);
                var subjectBytes = record.Slice(BlockRecord.HeaderSize, subjectLength);
                var subjectChars = subjectLength <= chars.Length ? chars[..subjectLength] : new char[subjectLength];
                for (int i = 0; i < subjectLength; i++)
                {
                    subjectChars[i] = (char)subjectBytes[i];
                }

                if (!_subjectLookup.TryGetValue(subjectChars, out int subjectId))
                {
                    subjectId = NewSubject(new string(subjectChars));
                }

                IndexLive(seq, subjectId, block, pos, length, ts, BinaryPrimitives.ReadUInt32LittleEndian(record[22..]) > 0);
            }

            else if (_msgs > 0)
            {
                // The index covers every sequence from the first live one to the last.
                AddEntry(seq, default);
            }

            if (block.FirstSequence == 0)
            {
                block.FirstSequence = seq;
            }

            block.LastSequence = seq;
            _lastSeq = seq;
            _lastTs = ts;
            lastGood = seq;
            pos += length;
        }

        return pos;
    }
}
