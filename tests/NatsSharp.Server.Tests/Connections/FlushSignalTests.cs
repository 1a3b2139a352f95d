using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

public sealed class FlushSignalTests
{
    [Fact]
    public void TrySetInlineRunsTheWaiterOnTheCallingThreadUntilItWaitsAgain()
    {
        var signal = new FlushSignal();
        var wakes = new List<int>();
        Task loop = WaitLoopAsync(signal, wakes, 3);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(signal.TrySetInline());
            Assert.Equal(i + 1, wakes.Count); // it ran, here, before TrySetInline returned
            Assert.Equal(Environment.CurrentManagedThreadId, wakes[i]);
        }

        Assert.True(loop.IsCompleted);
    }

    [Fact]
    public void TrySetInlineDoesNothingWithoutAWaiterAndSetIsRemembered()
    {
        var signal = new FlushSignal();
        Assert.False(signal.TrySetInline()); // nothing waits: nothing done, nothing remembered

        signal.Set(); // no waiter: remembered for the next wait
        Assert.False(signal.TrySetInline());
        Assert.True(CompletesAtOnce(signal.WaitAsync()));
        Assert.False(CompletesAtOnce(signal.WaitAsync())); // auto-reset
    }

    private static bool CompletesAtOnce(ValueTask wait) => wait.IsCompleted;

    [Fact]
    public async Task SetAfterAnInlineWakeStillResumesTheWaiterOnTheThreadPool()
    {
        var signal = new FlushSignal();
        var wakes = new List<int>();
        Task loop = WaitLoopAsync(signal, wakes, 2);
        Assert.True(signal.TrySetInline());

        // The core is back to asynchronous continuations: Set returns before the waiter runs elsewhere.
        signal.Set();
        await loop.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, wakes.Count);
    }

    private static async Task WaitLoopAsync(FlushSignal signal, List<int> wakes, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await signal.WaitAsync().ConfigureAwait(false);
            lock (wakes)
            {
                wakes.Add(Environment.CurrentManagedThreadId);
            }
        }
    }
}
