using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Tests.Monitoring;

public class SublistStatsJsonTests
{
    [Fact]
    public void One_sublist_is_copied_as_is()
    {
        var stats = new SublistStatsJson();
        stats.Add(new SublistStats { NumSubs = 3, NumCache = 4, NumInserts = 5, NumRemoves = 2, NumMatches = 8, CacheHitRate = 0.375, MaxFanout = 2, AvgFanout = 1.25 });
        Assert.Equal((3, 4, 5L, 2L, 8L, 0.375, 2, 1.25), (stats.NumSubscriptions, stats.NumCache, stats.NumInserts, stats.NumRemoves, stats.NumMatches, stats.CacheHitRate, stats.MaxFanout, stats.AvgFanout));
    }

    [Fact]
    public void Accounts_add_up_as_nats_server_adds_them()
    {
        // 3 hits of 4 matches and 5 fanout over 4 cached subjects, plus 1 hit of 4 and 2 over 2.
        var stats = new SublistStatsJson();
        stats.Add(new SublistStats { NumSubs = 7, NumCache = 4, NumInserts = 7, NumMatches = 4, CacheHitRate = 0.75, MaxFanout = 2, AvgFanout = 1.25 });
        stats.Add(new SublistStats { NumSubs = 6, NumCache = 2, NumInserts = 6, NumMatches = 4, CacheHitRate = 0.25, MaxFanout = 1, AvgFanout = 1 });
        stats.Add(new SublistStats()); // an idle account changes nothing
        Assert.Equal((13, 6, 13L, 8L, 2), (stats.NumSubscriptions, stats.NumCache, stats.NumInserts, stats.NumMatches, stats.MaxFanout));
        Assert.Equal(0.5, stats.CacheHitRate);       // 4 hits / 8 matches, not the mean of the rates
        Assert.Equal(7.0 / 6, stats.AvgFanout);       // 7 / 6 cached subjects
    }
}
