using System.Buffers.Binary;

namespace NatsSharp.Server.JetStream.Storage;

/// <summary>
/// One record of a message block file, little-endian:
/// <code>
/// 0  u32 length (low 28 bits, the whole record) | state (high 4 bits)
/// 4  u64 sequence
/// 12 i64 timestamp (Unix ns)
/// 20 u16 subject length
/// 22 u32 header length
/// 26 subject, header, data
/// .. u32 CRC-32C of bytes 4 .. end-4
/// </code>
/// The state nibble sits outside the checksum so a delete is one byte written in place. Its values
/// are at least two bits apart from each other, so one flipped bit never turns a live message
/// into a deleted one: it reads as corruption.
/// </summary>
internal static class BlockRecord
{
    public const int Overhead = 30;
    public const int HeaderSize = 26;
    public const int MaxLength = (1 << 28) - 1;

    public const byte Live = 0x0;
    public const byte Deleted = 0xD;
    /// <summary>Deleted with its subject, header and data zeroed (the checksum no longer holds).</summary>
    public const byte Erased = 0xE;
    /// <summary>A sequence used without a message (SkipTo, a purge's last sequence kept in an empty block).</summary>
    public const byte Skip = 0xA;

    /// <summary>Offset of the byte holding the state nibble (the length's top byte).</summary>
    public const int StateByteOffset = 3;

    public static int Length(uint lengthAndState) => (int)(lengthAndState & MaxLength);

    public static byte State(uint lengthAndState) => (byte)(lengthAndState >> 28);

    public static byte StateByte(int length, byte state) => (byte)(((length >> 24) & 0x0F) | (state << 4));

    public static void Write(Span<byte> record, byte state, ulong sequence, long timestampNs, string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)record.Length | ((uint)state << 28));
        BinaryPrimitives.WriteUInt64LittleEndian(record[4..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(record[12..], timestampNs);
        BinaryPrimitives.WriteUInt16LittleEndian(record[20..], (ushort)subject.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[22..], (uint)header.Length);
        int pos = HeaderSize;
        // Subjects are ASCII (validated by the stream before it appends).
        for (int i = 0; i < subject.Length; i++)
        {
            record[pos + i] = (byte)subject[i];
        }

        pos += subject.Length;
        header.CopyTo(record[pos..]);
        pos += header.Length;
        data.CopyTo(record[pos..]);
        pos += data.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(record[pos..], Crc32C.Compute(record[4..pos]));
    }

    /// <summary>Checks the record at the start of <paramref name="buffer"/>; null if whole and intact, else why not.</summary>
    public static string? Validate(ReadOnlySpan<byte> buffer, out int length, out byte state)
    {
        length = 0;
        state = 0;
        if (buffer.Length < Overhead)
        {
            return "torn record header";
        }

        uint lengthAndState = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        length = Length(lengthAndState);
        state = State(lengthAndState);
        if (state is not (Live or Deleted or Erased or Skip))
        {
            return "bad record state";
        }

        if (length < Overhead)
        {
            return "bad record length";
        }

        if (length > buffer.Length)
        {
            return "torn record";
        }

        int subjectLength = BinaryPrimitives.ReadUInt16LittleEndian(buffer[20..]);
        uint headerLength = BinaryPrimitives.ReadUInt32LittleEndian(buffer[22..]);
        if ((long)Overhead + subjectLength + headerLength > length)
        {
            return "bad record lengths";
        }

        if (state != Erased && Crc32C.Compute(buffer[4..(length - 4)]) != BinaryPrimitives.ReadUInt32LittleEndian(buffer[(length - 4)..]))
        {
            return "checksum mismatch";
        }

        return null;
    }
}
