using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

/// <summary>Cross-checks Sublist.Match against a naive token-by-token matcher.</summary>
public sealed class SublistRandomizedTests
{
    private static readonly string[] SubTokens = ["a", "b", "c", "*", ">"];
    private static readonly string[] PubTokens = ["a", "b", "c", "d", "*"];
    private static readonly string?[] QueueNames = [null, null, null, "q1", "q2"];

    /// <summary>The reference: split both and compare tokens, '*' one token, '>' the rest (at least one).</summary>
    private static bool NaiveMatch(string subject, string pattern)
    {
        var s = subject.Split('.');
        var p = pattern.Split('.');
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == ">")
            {
                return s.Length > i;
            }

            if (i >= s.Length || (p[i] != "*" && p[i] != s[i]))
            {
                return false;
            }
        }

        return s.Length == p.Length;
    }

    private static string RandomSubject(Random rng, string[] tokens, bool allowFwc)
    {
        int n = rng.Next(1, 5);
        var parts = new string[n];
        for (int i = 0; i < n; i++)
        {
            string t;
            do
            {
                t = tokens[rng.Next(tokens.Length)];
            }
            while (t == ">" && (!allowFwc || i != n - 1));
            parts[i] = t;
        }

        return string.Join('.', parts);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 3)]
    public void MatchAgreesWithNaiveMatcher(bool cache, int seed)
    {
        var rng = new Random(seed);
        var list = new Sublist(cache);
        var live = new List<Subscription>();

        for (int step = 0; step < 4000; step++)
        {
            int op = rng.Next(10);
            if (op < 3 || live.Count < 20)
            {
                var sub = Make(RandomSubject(rng, SubTokens, allowFwc: true), QueueNames[rng.Next(QueueNames.Length)]);
                list.Insert(sub);
                live.Add(sub);
            }
            else if (op < 5)
            {
                int at = rng.Next(live.Count);
                Assert.True(list.Remove(live[at]));
                live.RemoveAt(at);
            }
            else
            {
                string subject = RandomSubject(rng, PubTokens, allowFwc: false);
                Check(list, live, subject);
            }
        }

        Assert.Equal(live.Count, list.Count);
        Assert.Equal(live.ToHashSet(), list.All().ToHashSet());
        foreach (var s in live.ToList())
        {
            Assert.True(list.Remove(s));
        }

        Assert.Equal(0, list.NodeCount());
    }

    private static void Check(Sublist list, List<Subscription> live, string subject)
    {
        var result = list.Match(B(subject));
        var expected = live.Where(s => NaiveMatch(subject, Text(s.Subject))).ToList();

        var expectedPlain = expected.Where(s => s.Queue is null).ToHashSet();
        Assert.Equal(expectedPlain.Count, result.Plain.Length);
        Assert.True(expectedPlain.SetEquals(result.Plain), subject);

        var expectedGroups = expected.Where(s => s.Queue is not null)
            .GroupBy(s => Text(s.Queue!))
            .ToDictionary(g => g.Key, g => g.ToHashSet());
        Assert.Equal(expectedGroups.Count, result.Queues.Length);
        foreach (var group in result.Queues)
        {
            Assert.NotEmpty(group);
            Assert.True(expectedGroups.TryGetValue(Text(group[0].Queue!), out var want), subject);
            Assert.Equal(want.Count, group.Length);
            Assert.True(want.SetEquals(group), subject);
        }
    }
}
