using System.Buffers.Binary;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>
/// NatsSharp's snapshot archive (the bytes of STREAM.SNAPSHOT's chunks, and what STREAM.RESTORE takes back),
/// gzip-compressed as a whole. Inside: the magic "NSSNAP01", then records of
/// <c>u8 kind, u32 payload length, payload, u32 CRC-32C of kind and payload</c> (little-endian):
/// one stream record, the messages in sequence order, the consumers, and an end record that makes a
/// cut-off archive detectable. Independent of the store: a file stream's snapshot restores into memory
/// storage and back.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>Stream: u32 JSON length, JSON (<see cref="SnapshotStreamMeta"/>), u64 first seq, u64 last seq, i64 last timestamp (ns), u64 messages.</summary>
    public const byte StreamRecord = (byte)'S';

    /// <summary>Message: u64 seq, i64 timestamp (ns), u16 subject length, u32 header length, subject, header, data.</summary>
    public const byte MessageRecord = (byte)'M';

    /// <summary>Consumer: u32 JSON length, JSON (<see cref="SnapshotConsumerMeta"/>), then its stored state (<see cref="WriteState"/>).</summary>
    public const byte ConsumerRecord = (byte)'C';

    /// <summary>End: u64 messages written, u32 consumers written.</summary>
    public const byte EndRecord = (byte)'E';

    public const int MessageFixedSize = 8 + 8 + 2 + 4;

    /// <summary>A record larger than this is damage, not data (a message is bounded by max_payload, far below).</summary>
    public const int MaxRecordSize = 256 * 1024 * 1024;

    public static ReadOnlySpan<byte> Magic => "NSSNAP01"u8;

    /// <summary>Frames <paramref name="payload"/> as one record into <paramref name="output"/>.</summary>
    public static void WriteRecord(Stream output, byte kind, ReadOnlySpan<byte> payload)
    {
        Span<byte> head = stackalloc byte[5];
        head[0] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(head[1..], (uint)payload.Length);
        output.Write(head);
        output.Write(payload);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crc, Checksum(kind, payload));
        output.Write(crc);
    }

    public static uint Checksum(byte kind, ReadOnlySpan<byte> payload) =>
        Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Start, [kind]), payload));

    /// <summary>A consumer's stored state: delivered and ack floor (consumer, stream seq), pending (stream seq, consumer seq, ns), redelivered (stream seq, count).</summary>
    public static byte[] WriteState(ConsumerState state)
    {
        byte[] buffer = new byte[32 + 4 + (state.Pending.Count * 24) + 4 + (state.Redelivered.Count * 16)];
        Span<byte> s = buffer;
        BinaryPrimitives.WriteUInt64LittleEndian(s, state.Delivered.ConsumerSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], state.Delivered.StreamSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(s[16..], state.AckFloor.ConsumerSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(s[24..], state.AckFloor.StreamSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(s[32..], (uint)state.Pending.Count);
        int at = 36;
        foreach (KeyValuePair<ulong, PendingDelivery> p in state.Pending)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[at..], p.Key);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(at + 8)..], p.Value.ConsumerSequence);
            BinaryPrimitives.WriteInt64LittleEndian(s[(at + 16)..], p.Value.TimestampNs);
            at += 24;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(s[at..], (uint)state.Redelivered.Count);
        at += 4;
        foreach (KeyValuePair<ulong, ulong> r in state.Redelivered)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(s[at..], r.Key);
            BinaryPrimitives.WriteUInt64LittleEndian(s[(at + 8)..], r.Value);
            at += 16;
        }

        return buffer;
    }

    /// <summary>Reads what <see cref="WriteState"/> wrote; throws <see cref="InvalidDataException"/> when it does not fit.</summary>
    public static ConsumerState ReadState(ReadOnlySpan<byte> s)
    {
        if (s.Length < 40)
        {
            throw new InvalidDataException("consumer state is short");
        }

        var state = new ConsumerState
        {
            Delivered = new SequencePair(BinaryPrimitives.ReadUInt64LittleEndian(s), BinaryPrimitives.ReadUInt64LittleEndian(s[8..])),
            AckFloor = new SequencePair(BinaryPrimitives.ReadUInt64LittleEndian(s[16..]), BinaryPrimitives.ReadUInt64LittleEndian(s[24..])),
        };
        long pending = BinaryPrimitives.ReadUInt32LittleEndian(s[32..]);
        int at = 36;
        if (s.Length < at + (pending * 24) + 4)
        {
            throw new InvalidDataException("consumer state is short");
        }

        for (long i = 0; i < pending; i++, at += 24)
        {
            state.Pending[BinaryPrimitives.ReadUInt64LittleEndian(s[at..])] =
                new PendingDelivery(BinaryPrimitives.ReadUInt64LittleEndian(s[(at + 8)..]), BinaryPrimitives.ReadInt64LittleEndian(s[(at + 16)..]));
        }

        long redelivered = BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);
        at += 4;
        if (s.Length != at + (redelivered * 16))
        {
            throw new InvalidDataException("consumer state does not fit its record");
        }

        for (long i = 0; i < redelivered; i++, at += 16)
        {
            state.Redelivered[BinaryPrimitives.ReadUInt64LittleEndian(s[at..])] = BinaryPrimitives.ReadUInt64LittleEndian(s[(at + 8)..]);
        }

        return state;
    }
}
