using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

public sealed class DrainProgressTests
{
    [Fact]
    public void ASubscriberThatTakesLessThanAReceiveBufferIsNotTakenForAReader()
    {
        var progress = new DrainProgress();
        var backlog = new TaskCompletionSource();

        progress.Observe(backlog.Task, 1000, now: 10, out long at, out bool reader);
        Assert.Equal(10, at);
        Assert.False(reader);

        progress.Observe(backlog.Task, 1000 + 64 * 1024, now: 20, out at, out reader); // its receive buffer filling
        Assert.Equal(20, at);
        Assert.False(reader);

        progress.Observe(backlog.Task, 1000 + 64 * 1024, now: 300, out at, out reader); // then nothing
        Assert.Equal(20, at);
        Assert.False(reader);
    }

    [Fact]
    public void OneThatTakesMoreIsAReaderForTheRestOfTheBacklog()
    {
        var progress = new DrainProgress();
        var backlog = new TaskCompletionSource();

        progress.Observe(backlog.Task, 0, now: 0, out _, out bool reader);
        Assert.False(reader);
        progress.Observe(backlog.Task, DrainProgress.ReaderEvidenceBytes, now: 40, out long at, out reader);
        Assert.Equal(40, at);
        Assert.True(reader);

        progress.Observe(backlog.Task, DrainProgress.ReaderEvidenceBytes, now: 2040, out at, out reader); // paused
        Assert.Equal(40, at);
        Assert.True(reader);
    }

    [Fact]
    public void EachBacklogRestartsTheClockAndAReaderStaysOne()
    {
        var progress = new DrainProgress();
        var first = new TaskCompletionSource();
        progress.Observe(first.Task, DrainProgress.ReaderEvidenceBytes, now: 0, out _, out bool reader);
        Assert.True(reader); // took that much before anyone waited for it: it pauses, it is not stuck

        first.SetResult();
        var second = new TaskCompletionSource();
        progress.Observe(second.Task, DrainProgress.ReaderEvidenceBytes, now: 20, out long at, out reader);
        Assert.Equal(20, at);
        Assert.True(reader);
    }
}
