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
}
