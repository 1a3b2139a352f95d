using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

public sealed class DrainWaiterTests
{
    [Fact]
    public async Task ResumesWhenTheBacklogCompletesOrItsTimeoutPasses()
    {
        var waiter = new DrainWaiter();
        var backlog = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask drained = waiter.WaitAsync(backlog.Task, 600_000);
        Assert.False(drained.IsCompleted);
        backlog.SetResult();
        await drained.AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < 3; i++)
        {
            await waiter.WaitAsync(open.Task, 5).AsTask().WaitAsync(TimeSpan.FromSeconds(30)); // the timeout, again and again
        }

        Task again = waiter.WaitAsync(backlog.Task, 600_000).AsTask();
        Assert.True(again.IsCompleted); // already drained: no wait
    }
}
