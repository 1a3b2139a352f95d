using System.Buffers.Binary;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>Reads a snapshot archive's records (<see cref="SnapshotFormat"/>) from the decompressed stream, checking each one's checksum.</summary>
internal sealed class SnapshotReader
{
    private readonly Stream _input;
    private byte[] _buffer = new byte[4096];

    public SnapshotReader(Stream input) => _input = input;

    /// <summary>The payload of the record read last (valid until the next read).</summary>
    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(0, PayloadLength);

    public int PayloadLength { get; private set; }

    public void ReadMagic()
    {
        Span<byte> magic = stackalloc byte[SnapshotFormat.Magic.Length];
        if (_input.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.SequenceEqual(SnapshotFormat.Magic))
        {
            throw new InvalidDataException("not a NatsSharp snapshot");
        }
    }

    /// <summary>The next record's kind (its payload in <see cref="Payload"/>), or 0 at the end of the input.</summary>
    public byte Next()
    {
        Span<byte> head = stackalloc byte[5];
        int got = _input.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            return 0;
        }

        if (got < head.Length)
        {
            throw new InvalidDataException("unexpected end of snapshot");
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(head[1..]);
        if (length > SnapshotFormat.MaxRecordSize)
        {
            throw new InvalidDataException("snapshot record too large");
        }

        if (_buffer.Length < length + 4)
        {
            _buffer = new byte[Math.Max(length + 4, _buffer.Length * 2)];
        }

        Span<byte> rest = _buffer.AsSpan(0, (int)length + 4);
        if (_input.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false) != rest.Length)
        {
            throw new InvalidDataException("unexpected end of snapshot");
        }

        PayloadLength = (int)length;
        if (BinaryPrimitives.ReadUInt32LittleEndian(rest[(int)length..]) != SnapshotFormat.Checksum(head[0], rest[..(int)length]))
        {
            throw new InvalidDataException("snapshot record checksum mismatch");
        }

        return head[0];
    }
}
