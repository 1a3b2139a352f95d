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

        progress.Observe(backlog.Task, 0, now: 0, out _, out _);
        progress.Observe(backlog.Task, DrainProgress.ReaderEvidenceBytes, now: 40, out long at, out bool reader);
        Assert.Equal(40, at);
        Assert.True(reader);

        progress.Observe(backlog.Task, DrainProgress.ReaderEvidenceBytes, now: 2040, out at, out reader); // paused
        Assert.Equal(40, at);
        Assert.True(reader);
    }

    [Fact]
    public void EachBacklogStartsAfreshButOneDrainedBeforeVouchesForTheReader()
    {
        var progress = new DrainProgress();
        var first = new TaskCompletionSource();
        progress.Observe(first.Task, 0, now: 0, out _, out bool reader);
        Assert.False(reader);

        var second = new TaskCompletionSource(); // the first one still open: it closed or was replaced, not drained
        progress.Observe(second.Task, 10, now: 5, out long at, out reader);
        Assert.Equal(5, at);
        Assert.False(reader);

        second.SetResult(); // drained below half
        var third = new TaskCompletionSource();
        progress.Observe(third.Task, 20, now: 9, out at, out reader);
        Assert.Equal(9, at);
        Assert.True(reader);
    }
}
