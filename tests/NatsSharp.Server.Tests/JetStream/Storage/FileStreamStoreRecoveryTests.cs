using System.Text;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>The file store's own promises: block files, damaged tails cut and reported, consumer state recovered.</summary>
public sealed class FileStreamStoreRecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<StoreLoss> _losses = [];

    public void Dispose() => _dir.Dispose();

    private FileStreamStore Open(StreamStoreLimits? limits = null, int blockSize = 1024) =>
        new(_dir.Path, limits, new FileStoreOptions(BlockSize: blockSize), _losses.Add);

    private string[] BlockFiles() => Directory.GetFiles(Path.Combine(_dir.Path, "msgs"), "*.blk").Order(StringComparer.Ordinal).ToArray();

    private string LastBlock() => BlockFiles().OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).Last();

    private static byte[] Payload(int i) => Encoding.ASCII.GetBytes($"message-{i:D4}");

    private void Fill(int count)
    {
        using var store = Open();
        for (int i = 1; i <= count; i++)
        {
            store.Append("orders." + (i % 3), default, Payload(i));
        }
    }

    [Fact]
    public void Limits_remove_whole_block_files()
    {
        using var store = Open(new StreamStoreLimits(MaxMsgs: 10), blockSize: 512);
        for (int i = 1; i <= 200; i++)
        {
            store.Append("s", default, Payload(i));
        }

        Assert.Equal(10UL, store.State.Messages);
        Assert.Equal(191UL, store.State.FirstSequence);
        // 10 messages of 53 bytes fit in two or three 512-byte blocks; the rest were deleted as files.
        Assert.InRange(BlockFiles().Length, 1, 3);
    }

    [Fact]
    public void A_purge_deletes_the_block_files_and_keeps_the_last_sequence()
    {
        using (var store = Open(blockSize: 512))
        {
            for (int i = 1; i <= 100; i++)
            {
                store.Append("s", default, Payload(i));
            }

            Assert.True(BlockFiles().Length > 5);
            store.Purge();
            Assert.Single(BlockFiles());
        }

        using var reopened = Open(blockSize: 512);
        Assert.Equal(101UL, reopened.State.FirstSequence);
        Assert.Equal(100UL, reopened.State.LastSequence);
        Assert.Empty(_losses);
    }

    [Fact]
    public void A_truncated_tail_is_cut_and_reported_and_the_store_opens()
    {
        Fill(20);
        string block = LastBlock();
        long length = new FileInfo(block).Length;
        using (var file = new FileStream(block, FileMode.Open))
        {
            file.SetLength(length - 7);
        }

        using var store = Open();
        var loss = Assert.Single(_losses);
        Assert.Equal(block, loss.File);
        Assert.Equal(19UL, loss.LastGoodSequence);
        Assert.Equal("torn record", loss.Reason);
        Assert.Equal(19UL, store.State.Messages);
        Assert.Equal(19UL, store.State.LastSequence);
        Assert.True(store.TryLoad(19, out var m));
        Assert.Equal(Payload(19), m.Data.ToArray());
        // The cut tail is gone from the file: the next message takes its place.
        Assert.Equal(20UL, store.Append("orders.2", default, Payload(20)).Sequence);
    }

    [Fact]
    public void A_flipped_bit_in_the_tail_fails_the_checksum_and_is_cut()
    {
        Fill(20);
        string block = LastBlock();
        var bytes = File.ReadAllBytes(block);
        bytes[^6] ^= 0x10;
        File.WriteAllBytes(block, bytes);

        using var store = Open();
        var loss = Assert.Single(_losses);
        Assert.Equal("checksum mismatch", loss.Reason);
        Assert.Equal(19UL, store.State.LastSequence);
        Assert.False(store.TryLoad(20, out _));
    }

    [Fact]
    public void Damage_to_one_record_inside_a_block_loses_that_record_only()
    {
        Fill(60);
        var blocks = BlockFiles().OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(blocks.Length >= 3);
        var bytes = File.ReadAllBytes(blocks[0]);
        // Inside the data of the third record (50-byte records).
        bytes[130] ^= 0x01;
        File.WriteAllBytes(blocks[0], bytes);

        using (var store = Open())
        {
            var loss = Assert.Single(_losses);
            Assert.Equal(blocks[0], loss.File);
            Assert.Equal("checksum mismatch (one record)", loss.Reason);
            Assert.Equal(100, loss.Offset);
            Assert.Equal(60UL, store.State.LastSequence);
            Assert.Equal(59UL, store.State.Messages);
            Assert.False(store.TryLoad(3, out _));
            Assert.True(store.TryLoad(2, out _));
            Assert.True(store.TryLoad(4, out _));
        }

        // Reported once: the record is marked erased on disk.
        _losses.Clear();
        using var reopened = Open();
        Assert.Empty(_losses);
        Assert.Equal(59UL, reopened.State.Messages);
    }

    [Fact]
    public void A_flipped_state_bit_is_corruption_not_a_delete()
    {
        Fill(5);
        string block = LastBlock();
        var bytes = File.ReadAllBytes(block);
        // The first record's state nibble: live (0) with one bit set reads as no valid state.
        bytes[3] ^= 0x10;
        File.WriteAllBytes(block, bytes);

        using var store = Open();
        Assert.Equal("bad record state", Assert.Single(_losses).Reason);
    }

    [Fact]
    public void Deletes_and_erases_survive_a_reopen()
    {
        using (var store = Open())
        {
            for (int i = 1; i <= 30; i++)
            {
                store.Append("s", default, Payload(i));
            }

            store.Remove(5);
            store.Remove(17, erase: true);
        }

        Assert.DoesNotContain("message-0017", Encoding.ASCII.GetString(BlockFiles().SelectMany(File.ReadAllBytes).ToArray()), StringComparison.Ordinal);
        using var reopened = Open();
        Assert.Empty(_losses);
        Assert.Equal(28UL, reopened.State.Messages);
        Assert.False(reopened.TryLoad(5, out _));
        Assert.False(reopened.TryLoad(17, out _));
        Assert.True(reopened.TryLoad(18, out _));
    }

    [Fact]
    public void A_corrupted_metadata_file_reads_as_absent()
    {
        using (var store = Open())
        {
            store.WriteMetadata("{\"name\":\"ORDERS\"}"u8);
        }

        string meta = Path.Combine(_dir.Path, "meta.inf");
        var bytes = File.ReadAllBytes(meta);
        bytes[^2] ^= 0x04;
        File.WriteAllBytes(meta, bytes);
        using var reopened = Open();
        Assert.Null(reopened.ReadMetadata());
    }

    [Fact]
    public void Consumer_state_survives_a_reopen_and_a_torn_log_tail_is_cut()
    {
        using (var store = Open())
        using (var consumer = store.OpenConsumer("DUR"))
        {
            for (ulong i = 1; i <= 10; i++)
            {
                consumer.UpdateDelivered(i, i * 2, 1, (long)i);
            }

            for (ulong i = 1; i <= 6; i++)
            {
                consumer.UpdateAcks(i, i * 2);
            }
        }

        string log = Path.Combine(_dir.Path, "obs", "DUR", "o.dat");
        using (var file = new FileStream(log, FileMode.Open))
        {
            // Half of the last ack record (the ack of 6) is lost.
            file.SetLength(file.Length - 10);
        }

        using var reopened = Open();
        using var recovered = reopened.OpenConsumer("DUR");
        var loss = Assert.Single(_losses);
        Assert.EndsWith("o.dat", loss.File, StringComparison.Ordinal);
        Assert.Equal(new SequencePair(10, 20), recovered.State.Delivered);
        // nats-server's floor: the stream side stops just below the next pending message.
        Assert.Equal(new SequencePair(5, 11), recovered.State.AckFloor);
        Assert.Equal(5, recovered.State.Pending.Count);
        recovered.UpdateAcks(6, 12);
        Assert.Equal(new SequencePair(6, 13), recovered.State.AckFloor);
    }

    [Fact]
    public void The_consumer_log_is_compacted_as_it_grows()
    {
        string log = Path.Combine(_dir.Path, "obs", "BIG", "o.dat");
        using (var store = Open())
        using (var consumer = store.OpenConsumer("BIG"))
        {
            for (ulong i = 1; i <= 5000; i++)
            {
                consumer.UpdateDelivered(i, i, 1, 0);
                consumer.UpdateAcks(i, i);
            }

            consumer.UpdateDelivered(5001, 5001, 1, 0);
        }

        Assert.True(new FileInfo(log).Length < 64 * 1024);
        using var reopened = Open();
        using var recovered = reopened.OpenConsumer("BIG");
        Assert.Equal(new SequencePair(5000, 5000), recovered.State.AckFloor);
        Assert.Equal(new SequencePair(5001, 5001), recovered.State.Delivered);
        Assert.Single(recovered.State.Pending);
    }
}
