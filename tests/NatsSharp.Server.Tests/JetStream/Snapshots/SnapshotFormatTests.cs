using System.IO.Compression;
using NatsSharp.Server.JetStream.Snapshots;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Snapshots;

/// <summary>The snapshot archive's framing: records round-trip, and damage or a cut is refused, never read as data.</summary>
public sealed class SnapshotFormatTests
{
    [Fact]
    public void Consumer_state_round_trips()
    {
        var state = new ConsumerState { Delivered = new SequencePair(12, 40), AckFloor = new SequencePair(7, 30) };
        state.Pending[35] = new PendingDelivery(9, 123_456_789);
        state.Pending[40] = new PendingDelivery(12, 987_654_321);
        state.Redelivered[35] = 3;
        ConsumerState back = SnapshotFormat.ReadState(SnapshotFormat.WriteState(state));
        Assert.Equal(state.Delivered, back.Delivered);
        Assert.Equal(state.AckFloor, back.AckFloor);
        Assert.Equal(state.Pending, back.Pending);
        Assert.Equal(state.Redelivered, back.Redelivered);
    }

    [Fact]
    public void Consumer_state_that_does_not_fit_is_refused()
    {
        byte[] bytes = SnapshotFormat.WriteState(new ConsumerState { Delivered = new SequencePair(1, 1) });
        Assert.Throws<InvalidDataException>(() => SnapshotFormat.ReadState(bytes.AsSpan(0, 20)));
        Assert.Throws<InvalidDataException>(() => SnapshotFormat.ReadState([.. bytes, 0]));
    }

    [Fact]
    public void Records_round_trip_through_gzip()
    {
        byte[] archive = Archive(out _);
        var reader = new SnapshotReader(new GZipStream(new MemoryStream(archive), CompressionMode.Decompress));
        reader.ReadMagic();
        Assert.Equal(SnapshotFormat.MessageRecord, reader.Next());
        Assert.Equal("first"u8.ToArray(), reader.Payload.ToArray());
        Assert.Equal(SnapshotFormat.EndRecord, reader.Next());
        Assert.Empty(reader.Payload.ToArray());
        Assert.Equal(0, reader.Next());
    }

    [Fact]
    public void A_flipped_byte_is_refused()
    {
        Archive(out byte[] plain);
        plain[^6] ^= 0x40; // inside the second record's payload or checksum
        var reader = new SnapshotReader(new MemoryStream(plain));
        reader.ReadMagic();
        Assert.Equal(SnapshotFormat.MessageRecord, reader.Next());
        Assert.Throws<InvalidDataException>(() => reader.Next());
    }

    [Fact]
    public void A_cut_archive_is_refused()
    {
        Archive(out byte[] plain);
        var reader = new SnapshotReader(new MemoryStream(plain[..^3]));
        reader.ReadMagic();
        Assert.Equal(SnapshotFormat.MessageRecord, reader.Next());
        Assert.Throws<InvalidDataException>(() => reader.Next());
    }

    [Fact]
    public void Something_else_is_not_a_snapshot()
    {
        var reader = new SnapshotReader(new MemoryStream("sNaPpY tar of another server"u8.ToArray()));
        Assert.Equal("not a NatsSharp snapshot", Assert.Throws<InvalidDataException>(reader.ReadMagic).Message);
    }

    private static byte[] Archive(out byte[] plain)
    {
        using var raw = new MemoryStream();
        raw.Write(SnapshotFormat.Magic);
        SnapshotFormat.WriteRecord(raw, SnapshotFormat.MessageRecord, "first"u8);
        SnapshotFormat.WriteRecord(raw, SnapshotFormat.EndRecord, default);
        plain = raw.ToArray();
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return compressed.ToArray();
    }
}
