using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>How many epoll loops a host gets by default (NATSSHARP_EPOLL unset).</summary>
public class ReadinessLoopCountTests
{
    [Theory]
    [InlineData(1, 1)] // one CPU: a second loop would only take turns with the first
    [InlineData(2, 2)] // a busy small host: a request need not wait for the one loop's thread
    [InlineData(8, 2)]
    [InlineData(23, 2)]
    [InlineData(24, 3)] // then one per 8 CPUs
    [InlineData(64, 8)]
    public void Default_count_is_two_on_a_host_with_two_or_more_CPUs_then_one_per_eight(int cpus, int loops) =>
        Assert.Equal(loops, ReadinessLoop.DefaultCount(cpus));
}
