using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

public sealed class SublistConcurrencyTests
{
    private static readonly string[] Subjects =
        ["foo.bar", "foo.baz", "foo.bar.baz", "x.y", "a.b.c", "foo.*", "q.1", "q.2"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MatchersAndWritersRunTogether(bool cache)
    {
        var list = new Sublist(cache);

        // Never removed, so every result, even one from just before a change, holds them.
        var stable = new[] { Make(">"), Make("foo.*"), Make("foo.>", "stable-q") };
        foreach (var s in stable)
        {
            list.Insert(s);
        }

        const int matchers = 4, writers = 2, matchesPerThread = 30_000, rounds = 40;
        var start = new Barrier(matchers + writers);
        var tasks = new List<Task>();

        for (int m = 0; m < matchers; m++)
        {
            int seed = m;
            tasks.Add(Task.Factory.StartNew(
                () =>
                {
                    var rng = new Random(seed);
                    var subjects = Subjects.Select(B).ToArray();
                    start.SignalAndWait();
                    for (int i = 0; i < matchesPerThread; i++)
                    {
                        var subject = subjects[rng.Next(subjects.Length)];
                        var result = list.Match(subject);
                        Assert.Contains(stable[0], result.Plain);
                        foreach (var group in result.Queues)
                        {
                            Assert.NotEmpty(group);
                            Assert.All(group, s => Assert.Equal(group[0].Queue, s.Queue));
                        }
                    }
                },
                TaskCreationOptions.LongRunning));
        }

        for (int w = 0; w < writers; w++)
        {
            int seed = 100 + w;
            tasks.Add(Task.Factory.StartNew(
                () =>
                {
                    var rng = new Random(seed);
                    start.SignalAndWait();
                    for (int round = 0; round < rounds; round++)
                    {
                        var mine = new List<Subscription>();
                        for (int i = 0; i < 50; i++)
                        {
                            string subject = Subjects[rng.Next(Subjects.Length)];
                            var sub = rng.Next(3) == 0 ? Make(subject, $"q{rng.Next(3)}") : Make(subject);
                            list.Insert(sub);
                            mine.Add(sub);
                        }

                        if (round % 2 == 0)
                        {
                            list.RemoveBatch(mine);
                        }
                        else
                        {
                            foreach (var s in mine)
                            {
                                Assert.True(list.Remove(s));
                            }
                        }
                    }
                },
                TaskCreationOptions.LongRunning));
        }

        // A guard against hangs (throws TimeoutException), not a timing assertion.
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(stable.Length, list.Count);
        Assert.Equal(stable.ToHashSet(), list.All().ToHashSet());
        foreach (var subject in Subjects)
        {
            var got = AllOf(list.Match(B(subject))).ToHashSet();
            var want = stable.Where(s => SubjectRules.Matches(B(subject), s.Subject)).ToHashSet();
            Assert.True(want.SetEquals(got), subject);
        }

        var stats = list.Stats();
        Assert.Equal(stable.Length + (writers * rounds * 50), stats.NumInserts);
        Assert.Equal(writers * rounds * 50, stats.NumRemoves);
        Assert.True(stats.NumMatches >= matchers * matchesPerThread);
    }
}
