using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// A consumer's state in <c>obs/&lt;name&gt;/o.dat</c>: an append log of small checksummed records
/// (a delivery, an ack, a whole-state snapshot), buffered until <see cref="Flush"/> (one write for a
/// run of updates; any other member flushes first), replayed at open and compacted into one snapshot (temp file + rename) as it grows.
/// Record: u32 length of the payload, u8 type, payload, u32 CRC-32C of type and payload.
/// </summary>
internal sealed class FileConsumerStore : IConsumerStore
{
    private const byte DeliveredRecord = 1;
    private const byte AckRecord = 2;
    private const byte SnapshotRecord = 3;
    private const int RecordOverhead = 9;
    private const long MinCompactSize = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _logPath;
    private readonly FileStoreOptions _options;
    private SafeFileHandle _handle;
    private byte[] _buffer = new byte[4096];
    private int _buffered;
    private long _size;
    private long _compactAt = MinCompactSize;
    private bool _disposed;

    public FileConsumerStore(string directory, FileStoreOptions? options = null, Action<StoreLoss>? onLoss = null)
    {
        _directory = directory;
        _logPath = Path.Combine(directory, "o.dat");
        _options = options ?? new FileStoreOptions();
        Directory.CreateDirectory(directory);
        _handle = File.OpenHandle(_logPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        Replay(onLoss);
    }

    public ConsumerState State { get; private set; } = new();

    public StoreAckPolicy AckPolicy { get; set; }

    public void UpdateDelivered(ulong consumerSequence, ulong streamSequence, ulong deliveryCount, long timestampNs)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ConsumerStateRules.ApplyDelivered(State, AckPolicy, consumerSequence, streamSequence, deliveryCount, timestampNs);
            Span<byte> payload = stackalloc byte[33];
            payload[0] = (byte)AckPolicy;
            BinaryPrimitives.WriteUInt64LittleEndian(payload[1..], consumerSequence);
            BinaryPrimitives.WriteUInt64LittleEndian(payload[9..], streamSequence);
            BinaryPrimitives.WriteUInt64LittleEndian(payload[17..], deliveryCount);
            BinaryPrimitives.WriteInt64LittleEndian(payload[25..], timestampNs);
            Append(DeliveredRecord, payload);
        }
    }

    public void UpdateAcks(ulong consumerSequence, ulong streamSequence)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!ConsumerStateRules.ApplyAck(State, AckPolicy, consumerSequence, streamSequence))
            {
                return;
            }

            Span<byte> payload = stackalloc byte[17];
            payload[0] = (byte)AckPolicy;
            BinaryPrimitives.WriteUInt64LittleEndian(payload[1..], consumerSequence);
            BinaryPrimitives.WriteUInt64LittleEndian(payload[9..], streamSequence);
            Append(AckRecord, payload);
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                FlushLocked();
            }
        }
    }

    public void Replace(ConsumerState state)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _buffered = 0; // the snapshot holds them
            State = Copy(state);
            Compact();
        }
    }

    public void WriteMetadata(ReadOnlySpan<byte> json) => MetadataFile.Write(Path.Combine(_directory, "meta.inf"), json);

    public byte[]? ReadMetadata() => MetadataFile.Read(Path.Combine(_directory, "meta.inf"));

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
        lock (_lock)
        {
            if (!_disposed)
            {
                _disposed = true;
                try
                {
                    FlushLocked();
                }
                catch (IOException)
                {
                }

                _handle.Dispose();
            }
        }
    }

    private void Append(byte type, ReadOnlySpan<byte> payload)
    {
        int length = RecordOverhead + payload.Length;
        if (_buffered + length > _buffer.Length)
        {
            FlushLocked();
            if (length > _buffer.Length)
            {
                _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
            }
        }

        Frame(_buffer.AsSpan(_buffered, length), type, payload);
        _buffered += length;
        if (_size + _buffered >= _compactAt)
        {
            _buffered = 0; // the snapshot holds them
            Compact();
        }
    }

    private void FlushLocked()
    {
        if (_buffered == 0)
        {
            return;
        }

        RandomAccess.Write(_handle, _buffer.AsSpan(0, _buffered), _size);
        _size += _buffered;
        _buffered = 0;
        if (_options.SyncAlways)
        {
            RandomAccess.FlushToDisk(_handle);
        }
    }

    private static void Frame(Span<byte> record, byte type, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        record[4] = type;
        payload.CopyTo(record[5..]);
        BinaryPrimitives.WriteUInt32LittleEndian(record[(5 + payload.Length)..], Crc32C.Compute(record[4..(5 + payload.Length)]));
    }

    /// <summary>Rewrites the log as one snapshot: written and synced beside it, then renamed over it.</summary>
    private void Compact()
    {
        var payload = EncodeSnapshot(State);
        var record = new byte[RecordOverhead + payload.Length];
        Frame(record, SnapshotRecord, payload);
        string temp = _logPath + ".tmp";
        using (var tempHandle = File.OpenHandle(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.Read))
        {
            RandomAccess.Write(tempHandle, record, 0);
            RandomAccess.FlushToDisk(tempHandle);
        }

        _handle.Dispose();
        File.Move(temp, _logPath, overwrite: true);
        _handle = File.OpenHandle(_logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _size = record.Length;
        _compactAt = Math.Max(MinCompactSize, record.Length * 4L);
    }

    private void Replay(Action<StoreLoss>? onLoss)
    {
        var bytes = new byte[RandomAccess.GetLength(_handle)];
        int read = RandomAccess.Read(_handle, bytes, 0);
        int pos = 0;
        while (pos < read)
        {
            string? problem = null;
            int length = 0;
            if (read - pos < RecordOverhead)
            {
                problem = "torn record header";
            }
            else
            {
                length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos));
                if (length < 0 || length > read - pos - RecordOverhead)
                {
                    problem = "torn record";
                }
                else if (Crc32C.Compute(bytes.AsSpan(pos + 4, length + 1)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 5 + length)))
                {
                    problem = "checksum mismatch";
                }
                else if (!Apply(bytes[pos + 4], bytes.AsSpan(pos + 5, length)))
                {
                    problem = "bad record";
                }
            }

            if (problem is not null)
            {
                RandomAccess.SetLength(_handle, pos);
                onLoss?.Invoke(new StoreLoss(_logPath, pos, read - pos, State.Delivered.StreamSequence, problem));
                break;
            }

            pos += RecordOverhead + length;
        }

        _size = pos;
    }

    private bool Apply(byte type, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case DeliveredRecord when payload.Length == 33:
                ConsumerStateRules.ApplyDelivered(
                    State,
                    (StoreAckPolicy)payload[0],
                    BinaryPrimitives.ReadUInt64LittleEndian(payload[1..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(payload[9..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(payload[17..]),
                    BinaryPrimitives.ReadInt64LittleEndian(payload[25..]));
                return true;
            case AckRecord when payload.Length == 17:
                ConsumerStateRules.ApplyAck(
                    State,
                    (StoreAckPolicy)payload[0],
                    BinaryPrimitives.ReadUInt64LittleEndian(payload[1..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(payload[9..]));
                return true;
            case SnapshotRecord:
                var state = DecodeSnapshot(payload);
                if (state is null)
                {
                    return false;
                }

                State = state;
                return true;
            default:
                return false;
        }
    }

    private static byte[] EncodeSnapshot(ConsumerState state)
    {
        var buffer = new byte[40 + (state.Pending.Count * 24) + (state.Redelivered.Count * 16)];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt64LittleEndian(span, state.Delivered.ConsumerSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], state.Delivered.StreamSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], state.AckFloor.ConsumerSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], state.AckFloor.StreamSequence);
        BinaryPrimitives.WriteInt32LittleEndian(span[32..], state.Pending.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[36..], state.Redelivered.Count);
        int pos = 40;
        foreach (var (sseq, pending) in state.Pending)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[pos..], sseq);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(pos + 8)..], pending.ConsumerSequence);
            BinaryPrimitives.WriteInt64LittleEndian(span[(pos + 16)..], pending.TimestampNs);
            pos += 24;
        }

        foreach (var (sseq, count) in state.Redelivered)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[pos..], sseq);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(pos + 8)..], count);
            pos += 16;
        }

        return buffer;
    }

    private static ConsumerState? DecodeSnapshot(ReadOnlySpan<byte> span)
    {
        if (span.Length < 40)
        {
            return null;
        }

        int pendingCount = BinaryPrimitives.ReadInt32LittleEndian(span[32..]);
        int redeliveredCount = BinaryPrimitives.ReadInt32LittleEndian(span[36..]);
        if (pendingCount < 0 || redeliveredCount < 0 || span.Length != 40 + (pendingCount * 24L) + (redeliveredCount * 16L))
        {
            return null;
        }

        var state = new ConsumerState
        {
            Delivered = new SequencePair(BinaryPrimitives.ReadUInt64LittleEndian(span), BinaryPrimitives.ReadUInt64LittleEndian(span[8..])),
            AckFloor = new SequencePair(BinaryPrimitives.ReadUInt64LittleEndian(span[16..]), BinaryPrimitives.ReadUInt64LittleEndian(span[24..])),
        };
        int pos = 40;
        for (int i = 0; i < pendingCount; i++, pos += 24)
        {
            state.Pending[BinaryPrimitives.ReadUInt64LittleEndian(span[pos..])] =
                new PendingDelivery(BinaryPrimitives.ReadUInt64LittleEndian(span[(pos + 8)..]), BinaryPrimitives.ReadInt64LittleEndian(span[(pos + 16)..]));
        }

        for (int i = 0; i < redeliveredCount; i++, pos += 16)
        {
            state.Redelivered[BinaryPrimitives.ReadUInt64LittleEndian(span[pos..])] = BinaryPrimitives.ReadUInt64LittleEndian(span[(pos + 8)..]);
        }

        return state;
    }

    private static ConsumerState Copy(ConsumerState source)
    {
        var copy = new ConsumerState { Delivered = source.Delivered, AckFloor = source.AckFloor };
        foreach (var (key, value) in source.Pending)
        {
            copy.Pending[key] = value;
        }

        foreach (var (key, value) in source.Redelivered)
        {
            copy.Redelivered[key] = value;
        }

        return copy;
    }
}
