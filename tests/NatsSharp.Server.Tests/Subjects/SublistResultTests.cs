using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

public sealed class SublistResultTests
{
    [Fact]
    public void EmptyIsEmpty()
    {
        Assert.True(SublistResult.Empty.IsEmpty);
        Assert.Empty(SublistResult.Empty.Plain);
        Assert.Empty(SublistResult.Empty.Queues);
    }

    [Fact]
    public void WithAddedCopiesAndGroups()
    {
        var p = Make("foo");
        var q1 = Make("foo", "q");
        var q2 = Make("foo", "q");
        var r = Make("foo", "r");

        var one = SublistResult.Empty.WithAdded(p);
        var two = one.WithAdded(q1);
        var three = two.WithAdded(q2);
        var four = three.WithAdded(r);

        Assert.Equal([p], one.Plain);
        Assert.Empty(one.Queues);
        Assert.Single(two.Queues);
        Assert.Equal([q1], two.Queues[0]);
        Assert.Equal([q1, q2], three.Queues[0]);
        Assert.Equal(2, four.Queues.Length);
        Assert.Equal([r], four.Queues[1]);
        Assert.Same(three.Queues[0], four.Queues[0]); // untouched groups are shared
        Assert.True(SublistResult.Empty.IsEmpty);
    }

    [Fact]
    public void WithRemovedCopiesAndDropsEmptyGroups()
    {
        var p = Make("foo");
        var q1 = Make("foo", "q");
        var q2 = Make("foo", "q");
        var full = SublistResult.Empty.WithAdded(p).WithAdded(q1).WithAdded(q2);

        Assert.Same(full, full.WithRemoved(Make("foo")));
        Assert.Same(full, full.WithRemoved(Make("foo", "q")));
        Assert.Same(full, full.WithRemoved(Make("foo", "zz")));

        var noP = full.WithRemoved(p);
        Assert.Empty(noP.Plain);
        Assert.Equal([q1, q2], noP.Queues[0]);
        var onlyQ2 = noP.WithRemoved(q1);
        Assert.Equal([q2], onlyQ2.Queues[0]);
        Assert.Same(SublistResult.Empty, onlyQ2.WithRemoved(q2));

        Assert.Equal([p], full.Plain);
        Assert.Equal([q1, q2], full.Queues[0]);
    }
}
