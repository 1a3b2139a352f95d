using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

public sealed class LastMatchTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RepeatedSubjectFollowsInsertsAndRemovals(bool cache)
    {
        var list = new Sublist(cache);
        var last = new LastMatch();
        Assert.Empty(AllOf(last.Match(list, B("foo.bar"))));

        var literal = Make("foo.bar");
        list.Insert(literal);
        Assert.Equal([literal], AllOf(last.Match(list, B("foo.bar"))));

        var wildcard = Make("foo.*", "q");
        list.Insert(wildcard);
        Assert.Equal(2, AllOf(last.Match(list, B("foo.bar"))).Count());

        list.Remove(literal);
        Assert.Equal([wildcard], AllOf(last.Match(list, B("foo.bar"))));

        list.RemoveBatch([wildcard]);
        Assert.Empty(AllOf(last.Match(list, B("foo.bar"))));
    }

    [Fact]
    public void DifferentSubjectsAndSublistsAreNotConfused()
    {
        var a = new Sublist();
        var b = new Sublist();
        var inA = Make("x");
        var inB = Make("y");
        a.Insert(inA);
        b.Insert(inB);
        var last = new LastMatch();

        Assert.Equal([inA], AllOf(last.Match(a, B("x"))));
        Assert.Empty(AllOf(last.Match(b, B("x"))));
        Assert.Equal([inB], AllOf(last.Match(b, B("y"))));
        Assert.Empty(AllOf(last.Match(b, B("yy"))));
        Assert.Empty(AllOf(last.Match(b, B(""))));
    }

    [Fact]
    public void MatchesAnsweredFromMemoryCountInStatsAfterFlush()
    {
        var list = new Sublist();
        list.Insert(Make("foo"));
        var last = new LastMatch();
        long before = list.Stats().NumMatches;
        for (int i = 0; i < 5; i++)
        {
            last.Match(list, B("foo"));
        }

        last.Flush();
        Assert.Equal(before + 5, list.Stats().NumMatches);
    }
}
