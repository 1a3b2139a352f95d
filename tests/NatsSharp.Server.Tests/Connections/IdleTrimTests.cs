using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>IdleTrim's tick decision: the blocking collection never runs while traffic flows.</summary>
public sealed class IdleTrimTests
{
    [Fact]
    public void ABurstIsCollectedOnTheFirstQuietTickNotWhileTrafficFlows()
    {
        bool pending = false;
        Assert.False(IdleTrim.CollectNow(burst: true, released: false, reads: 0, ref pending)); // the burst goes on
        Assert.False(IdleTrim.CollectNow(burst: false, released: false, reads: 50_000, ref pending)); // request/reply traffic
        Assert.True(IdleTrim.CollectNow(burst: false, released: false, reads: 3, ref pending)); // quiet: once
        Assert.False(IdleTrim.CollectNow(burst: false, released: false, reads: 0, ref pending));
    }

    [Fact]
    public void BuffersGivenBackDuringTrafficAreCollectedOnceItIsQuiet()
    {
        bool pending = false;
        Assert.False(IdleTrim.CollectNow(burst: false, released: true, reads: 10_000, ref pending));
        Assert.False(IdleTrim.CollectNow(burst: false, released: false, reads: 10_000, ref pending));
        Assert.True(IdleTrim.CollectNow(burst: false, released: false, reads: 0, ref pending));
        Assert.True(IdleTrim.CollectNow(burst: false, released: true, reads: 0, ref pending)); // quiet already: at once
    }

    [Fact]
    public void TrafficAloneOwesNoCollection()
    {
        bool pending = false;
        Assert.False(IdleTrim.CollectNow(burst: false, released: false, reads: 100_000, ref pending));
        Assert.False(IdleTrim.CollectNow(burst: false, released: false, reads: 0, ref pending));
    }
}
