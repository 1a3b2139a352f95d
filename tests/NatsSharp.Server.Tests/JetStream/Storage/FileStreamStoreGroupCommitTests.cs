using System.Text;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.Tests.JetStream.Storage;

/// <summary>
/// Group commit (<see cref="IStreamStore.AppendBuffered"/> + <see cref="IStreamStore.Flush"/>): what the
/// OS holds at any moment is what a kill -9 would leave, read here by opening a copy of the files.
/// </summary>
public sealed class FileStreamStoreGroupCommitTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TempDirectory _copy = new();

    public void Dispose()
    {
        _dir.Dispose();
        _copy.Dispose();
    }

    private static byte[] Payload(string s) => Encoding.ASCII.GetBytes(s);

    /// <summary>Opens a copy of the store's files as they are on the OS now (what a kill of the process leaves).</summary>
    private FileStreamStore OpenWhatTheOsHolds()
    {
        string msgs = Path.Combine(_copy.Path, "msgs");
        if (Directory.Exists(msgs))
        {
            Directory.Delete(msgs, recursive: true);
        }

        Directory.CreateDirectory(msgs);
        foreach (string file in Directory.GetFiles(Path.Combine(_dir.Path, "msgs")))
        {
            File.Copy(file, Path.Combine(msgs, Path.GetFileName(file)));
        }

        return new FileStreamStore(_copy.Path);
    }

    [Fact]
    public void Buffered_appends_reach_the_OS_at_flush_in_order()
    {
        using var store = new FileStreamStore(_dir.Path, null, new FileStoreOptions(BlockSize: 4096));
        for (int i = 1; i <= 100; i++)
        {
            Assert.Equal((ulong)i, store.AppendBuffered("orders", default, Payload($"m{i}")).Sequence);
        }

        Assert.Equal(100UL, store.State.Messages); // counted at once
        using (var before = OpenWhatTheOsHolds())
        {
            // Blocks that filled were written as they rolled; the newest block's tail waits for the flush.
            Assert.True(before.State.LastSequence < 100);
        }

        store.Flush();
        using var after = OpenWhatTheOsHolds();
        Assert.Equal(100UL, after.State.Messages);
        for (ulong seq = 1; seq <= 100; seq++)
        {
            Assert.True(after.TryLoad(seq, out StoredMessage m));
            Assert.Equal($"m{seq}", Encoding.ASCII.GetString(m.Data.Span));
        }
    }

    [Fact]
    public void A_read_writes_buffered_appends_before_it_shows_them()
    {
        using var store = new FileStreamStore(_dir.Path);
        store.AppendBuffered("orders", default, Payload("one"));
        Assert.True(store.TryLoad(1, out StoredMessage m));
        Assert.Equal("one", Encoding.ASCII.GetString(m.Data.Span));
        using var copy = OpenWhatTheOsHolds();
        Assert.Equal(1UL, copy.State.Messages);
    }

    [Fact]
    public void A_limit_never_deletes_on_the_OS_before_the_append_that_caused_it()
    {
        // A KV bucket: history 1. The new value is buffered; the old one must stay live on the OS until it is written.
        using var store = new FileStreamStore(_dir.Path, new StreamStoreLimits(MaxMsgsPerSubject: 1));
        store.Append("$KV.b.key", default, Payload("old"));
        store.AppendBuffered("$KV.b.key", default, Payload("new"));
        Assert.Equal(1UL, store.State.Messages);

        using (var killedNow = OpenWhatTheOsHolds())
        {
            Assert.True(killedNow.TryLoadLast("$KV.b.key", out StoredMessage m));
            Assert.Equal("old", Encoding.ASCII.GetString(m.Data.Span));
        }

        store.Flush();
        using var afterFlush = OpenWhatTheOsHolds();
        Assert.Equal(1UL, afterFlush.State.Messages);
        Assert.True(afterFlush.TryLoadLast("$KV.b.key", out StoredMessage last));
        Assert.Equal("new", Encoding.ASCII.GetString(last.Data.Span));
        Assert.Equal(2UL, last.Sequence);
    }

    [Fact]
    public void A_buffered_append_removed_before_the_flush_is_written_deleted()
    {
        using var store = new FileStreamStore(_dir.Path, new StreamStoreLimits(MaxMsgsPerSubject: 1));
        store.AppendBuffered("k", default, Payload("a"));
        store.AppendBuffered("k", default, Payload("b"));
        store.Flush();
        using var copy = OpenWhatTheOsHolds();
        Assert.Equal(1UL, copy.State.Messages);
        Assert.True(copy.TryLoadLast("k", out StoredMessage m));
        Assert.Equal("b", Encoding.ASCII.GetString(m.Data.Span));
    }
}
