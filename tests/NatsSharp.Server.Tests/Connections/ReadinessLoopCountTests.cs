using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>How many epoll loops a host gets by default (NATSSHARP_EPOLL unset).</summary>
public class ReadinessLoopCountTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(15, 1)]
    [InlineData(16, 2)] // one per 8 CPUs
    [InlineData(64, 8)]
    public void Default_count_is_one_per_eight_CPUs_at_least_one(int cpus, int loops) =>
        Assert.Equal(loops, ReadinessLoop.DefaultCount(cpus));
}
