using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

public sealed class SublistTests
{
    public static TheoryData<bool> CacheModes => new() { true, false };

    private static SublistResult Match(Sublist list, string subject) => list.Match(B(subject));

    private static void AssertMatches(Sublist list, string subject, params Subscription[] expected)
    {
        var result = Match(list, subject);
        var actual = AllOf(result).ToList();
        Assert.Equal(expected.Length, actual.Count);
        foreach (var sub in expected)
        {
            Assert.Contains(sub, actual);
        }
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void LiteralMatch(bool cache)
    {
        var list = new Sublist(cache);
        var sub = Make("foo.bar");
        list.Insert(sub);

        Assert.Equal(1, list.Count);
        AssertMatches(list, "foo.bar", sub);
        AssertMatches(list, "foo");
        AssertMatches(list, "foo.bar.baz");
        AssertMatches(list, "foo.baz");
        AssertMatches(list, "bar");
        Assert.Same(sub, Match(list, "foo.bar").Plain.Single());
        Assert.Empty(Match(list, "foo.bar").Queues);
    }

    /// <summary>
    /// The order of a result is the order a connection with several matching subscriptions gets the message
    /// in. nats-server's: '>' first, then the literal, then '*' (matchLevel); a cached result appends new
    /// subscriptions, and a removal drops the cached results it matches, so the next match is in trie order
    /// again (fuzz seed 849580: a patched cache entry kept the order of inserts).
    /// </summary>
    [Theory]
    [MemberData(nameof(CacheModes))]
    public void ResultsAreInNatsServerOrder(bool cache)
    {
        var list = new Sublist(cache);
        var star = Make("*");
        var literal = Make("foo");
        var full = Make(">");
        foreach (var sub in new[] { star, literal, full })
        {
            list.Insert(sub);
        }

        Assert.Equal([full, literal, star], Match(list, "foo").Plain);

        Assert.True(list.Remove(star));
        var star2 = Make("*");
        list.Insert(star2);
        var full2 = Make(">");
        list.Insert(full2);
        Assert.Equal([full, full2, literal, star2], Match(list, "foo").Plain);
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void SingleWildcard(bool cache)
    {
        var list = new Sublist(cache);
        var fooStar = Make("foo.*");
        var starBar = Make("*.bar");
        var fooStarBaz = Make("foo.*.baz");
        var star = Make("*");
        list.Insert(fooStar);
        list.Insert(starBar);
        list.Insert(fooStarBaz);
        list.Insert(star);

        AssertMatches(list, "foo.bar", fooStar, starBar);
        AssertMatches(list, "foo.baz", fooStar);
        AssertMatches(list, "x.bar", starBar);
        AssertMatches(list, "foo", star);
        AssertMatches(list, "foo.x.baz", fooStarBaz);
        AssertMatches(list, "foo.x.bar");
        AssertMatches(list, "foo.bar.baz.qux");
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void FullWildcard(bool cache)
    {
        var list = new Sublist(cache);
        var fooAll = Make("foo.>");
        var all = Make(">");
        list.Insert(fooAll);
        list.Insert(all);

        AssertMatches(list, "foo", all);
        AssertMatches(list, "foo.bar", fooAll, all);
        AssertMatches(list, "foo.bar.baz", fooAll, all);
        AssertMatches(list, "bar.baz", all);
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void MixedWildcards(bool cache)
    {
        var list = new Sublist(cache);
        var literal = Make("foo.bar");
        var fooStar = Make("foo.*");
        var fooAll = Make("foo.>");
        var starBar = Make("*.bar");
        var all = Make(">");
        var starStar = Make("*.*");
        var deeper = Make("foo.bar.baz");
        var starAll = Make("*.>");
        foreach (var s in new[] { literal, fooStar, fooAll, starBar, all, starStar, deeper, starAll })
        {
            list.Insert(s);
        }

        AssertMatches(list, "foo.bar", literal, fooStar, fooAll, starBar, all, starStar, starAll);
        AssertMatches(list, "foo.bar.baz", fooAll, all, deeper, starAll);
        AssertMatches(list, "foo", all);
        AssertMatches(list, "x.y", all, starStar, starAll);
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void WildcardCharactersInsideTokensAreLiteral(bool cache)
    {
        var list = new Sublist(cache);
        var a = Make("foo*.bar");
        var b = Make("foo.*bar");
        var c = Make("foo>bar");
        list.Insert(a);
        list.Insert(b);
        list.Insert(c);

        AssertMatches(list, "foo*.bar", a);
        AssertMatches(list, "foox.bar");
        AssertMatches(list, "foo.*bar", b);
        AssertMatches(list, "foo.xbar");
        AssertMatches(list, "foo>bar", c);
        AssertMatches(list, "fooxbar");
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void PublishedStarTokenMatchesLiterally(bool cache)
    {
        var list = new Sublist(cache);
        var fooStar = Make("foo.*");
        var all = Make(">");
        var fooBar = Make("foo.bar");
        list.Insert(fooStar);
        list.Insert(all);
        list.Insert(fooBar);

        AssertMatches(list, "foo.*", fooStar, all);
        AssertMatches(list, "*", all);
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void SubjectsWithEmptyTokensMatchNothing(bool cache)
    {
        var list = new Sublist(cache);
        list.Insert(Make(">"));
        list.Insert(Make("foo.*.bar"));
        list.Insert(Make("*"));

        foreach (var subject in new[] { "foo..bar", ".foo", "foo.", ".", "", ".." })
        {
            var result = Match(list, subject);
            Assert.True(result.IsEmpty, subject);
            Assert.Same(SublistResult.Empty, result);
        }

        Assert.Equal(0, list.Stats().NumCache);
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void Utf8Subjects(bool cache)
    {
        var list = new Sublist(cache);
        var sub = Make("été.*");
        list.Insert(sub);
        AssertMatches(list, "été.x", sub);
        AssertMatches(list, "ete.x");
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void SeveralSubscriptionsOnOneSubject(bool cache)
    {
        var list = new Sublist(cache);
        var subs = Enumerable.Range(0, 5).Select(_ => Make("foo.bar")).ToArray();
        foreach (var s in subs)
        {
            list.Insert(s);
        }

        Assert.Equal(5, list.Count);
        AssertMatches(list, "foo.bar", subs);
        Assert.Equal(2, list.NodeCount());
    }

    [Fact]
    public void InsertingTheSameSubscriptionTwiceIsANoOp()
    {
        var list = new Sublist();
        var sub = Make("foo");
        list.Insert(sub);
        _ = Match(list, "foo");
        list.Insert(sub);

        Assert.Equal(1, list.Count);
        AssertMatches(list, "foo", sub);
        Assert.True(list.Remove(sub));
        AssertMatches(list, "foo");
    }

    [Theory]
    [InlineData("")]
    [InlineData("foo..bar")]
    [InlineData("foo.>.bar")]
    [InlineData("foo.")]
    public void InsertRejectsInvalidSubjects(string subject)
    {
        var list = new Sublist();
        Assert.Throws<ArgumentException>(() => list.Insert(Make(subject)));
        Assert.Equal(0, list.Count);
        Assert.Equal(0, list.NodeCount());
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void RemoveReportsWhetherTheSubWasThere(bool cache)
    {
        var list = new Sublist(cache);
        var sub = Make("foo.bar");
        var other = Make("foo.bar");
        var queued = Make("foo.bar", "q");
        list.Insert(sub);

        Assert.False(list.Remove(other));
        Assert.False(list.Remove(queued));
        Assert.False(list.Remove(Make("foo")));
        Assert.False(list.Remove(Make("foo.bar.baz")));
        Assert.False(list.Remove(Make("foo.*")));
        Assert.False(list.Remove(Make(">")));
        Assert.Equal(1, list.Count);

        Assert.True(list.Remove(sub));
        Assert.False(list.Remove(sub));
        Assert.Equal(0, list.Count);
        AssertMatches(list, "foo.bar");
    }

    [Fact]
    public void RemovePrunesEmptyNodes()
    {
        var list = new Sublist();
        var subs = new[]
        {
            Make("a.b.c.d"), Make("a.b.c.d", "q"), Make("a.b.*"), Make("a.>"), Make("*.b.c"),
            Make(">"), Make("x"), Make("a.b.c.d.e.f"),
        };
        foreach (var s in subs)
        {
            list.Insert(s);
            _ = Match(list, "a.b.c.d");
        }

        Assert.True(list.NodeCount() > 0);
        var keep = Make("a.b.c.e");
        list.Insert(keep);
        foreach (var s in subs)
        {
            Assert.True(list.Remove(s));
        }

        Assert.Equal(1, list.Count);
        Assert.Equal(4, list.NodeCount()); // a, b, c, e
        AssertMatches(list, "a.b.c.e", keep);
        AssertMatches(list, "a.b.c.d");

        Assert.True(list.Remove(keep));
        Assert.Equal(0, list.Count);
        Assert.Equal(0, list.NodeCount());
        Assert.Empty(list.All());
    }

    [Fact]
    public void RemoveKeepsSiblingsAndChildren()
    {
        var list = new Sublist();
        var parent = Make("foo");
        var child = Make("foo.bar");
        var sibling = Make("foo.baz");
        list.Insert(parent);
        list.Insert(child);
        list.Insert(sibling);

        Assert.True(list.Remove(parent));
        AssertMatches(list, "foo");
        AssertMatches(list, "foo.bar", child);
        Assert.True(list.Remove(child));
        AssertMatches(list, "foo.baz", sibling);
        Assert.Equal(2, list.NodeCount());
    }

    [Theory]
    [MemberData(nameof(CacheModes))]
    public void QueueSubscriptionsAreGroupedByName(bool cache)
    {
        var list = new Sublist(cache);
        var plain = Make("foo.bar");
        var q1a = Make("foo.bar", "workers");
        var q1b = Make("foo.*", "workers"); // same name, different byte[] instance and node
        var q1c = Make("foo.bar", "workers");
        var q2 = Make("foo.>", "other");
        var q3 = Make(">", "third");
        foreach (var s in new[] { plain, q1a, q1b, q1c, q2, q3 })
        {
            list.Insert(s);
        }

        var result = Match(list, "foo.bar");
        Assert.Equal([plain], result.Plain);
        Assert.Equal(3, result.Queues.Length);
        var byName = result.Queues.ToDictionary(g => Text(g[0].Queue!), g => g);
        Assert.Equal(3, byName["workers"].Length);
        Assert.Contains(q1a, byName["workers"]);
        Assert.Contains(q1b, byName["workers"]);
        Assert.Contains(q1c, byName["workers"]);
        Assert.Equal([q2], byName["other"]);
        Assert.Equal([q3], byName["third"]);
        Assert.All(result.Queues, g => Assert.All(g, s => Assert.Equal(g[0].Queue, s.Queue)));

        // Cache patching keeps the grouping too.
        var q2b = Make("foo.bar", "other");
        list.Insert(q2b);
        result = Match(list, "foo.bar");
        Assert.Equal(3, result.Queues.Length);
        Assert.Equal(2, result.Queues.Single(g => Text(g[0].Queue!) == "other").Length);

        Assert.True(list.Remove(q3));
        result = Match(list, "foo.bar");
        Assert.Equal(2, result.Queues.Length);
        Assert.DoesNotContain(result.Queues, g => Text(g[0].Queue!) == "third");
    }

    [Fact]
    public void ManyQueueGroupsOnOneSubject()
    {
        var list = new Sublist(enableCache: false);
        for (int i = 0; i < 40; i++)
        {
            list.Insert(Make("foo.bar", $"q{i}"));
            list.Insert(Make("foo.*", $"q{i}"));
            list.Insert(Make(">", $"q{i % 7}"));
        }

        var result = Match(list, "foo.bar");
        Assert.Equal(40, result.Queues.Length);
        foreach (var group in result.Queues)
        {
            string name = Text(group[0].Queue!);
            int n = int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture);
            int extra = Enumerable.Range(0, 40).Count(i => i % 7 == n);
            Assert.Equal(2 + extra, group.Length);
            Assert.All(group, s => Assert.Equal(name, Text(s.Queue!)));
        }
    }

    [Fact]
    public void CacheSeesInsertAfterMatch()
    {
        var list = new Sublist();
        AssertMatches(list, "foo.bar");
        AssertMatches(list, "foo.bar");

        var literal = Make("foo.bar");
        list.Insert(literal);
        AssertMatches(list, "foo.bar", literal);

        var wildcard = Make("foo.*");
        list.Insert(wildcard);
        AssertMatches(list, "foo.bar", literal, wildcard);

        var queued = Make("*.bar", "q");
        list.Insert(queued);
        AssertMatches(list, "foo.bar", literal, wildcard, queued);

        var all = Make(">");
        list.Insert(all);
        AssertMatches(list, "foo.bar", literal, wildcard, queued, all);
        AssertMatches(list, "foo.*", wildcard, all);
    }

    [Fact]
    public void CacheSeesRemoveAfterMatch()
    {
        var list = new Sublist();
        var literal = Make("foo.bar");
        var wildcard = Make("foo.*");
        var queued = Make("*.bar", "q");
        var all = Make(">");
        foreach (var s in new[] { literal, wildcard, queued, all })
        {
            list.Insert(s);
        }

        AssertMatches(list, "foo.bar", literal, wildcard, queued, all);
        AssertMatches(list, "foo.baz", wildcard, all);

        Assert.True(list.Remove(wildcard));
        AssertMatches(list, "foo.bar", literal, queued, all);
        AssertMatches(list, "foo.baz", all);

        Assert.True(list.Remove(literal));
        AssertMatches(list, "foo.bar", queued, all);

        Assert.True(list.Remove(queued));
        AssertMatches(list, "foo.bar", all);

        Assert.True(list.Remove(all));
        AssertMatches(list, "foo.bar");
        AssertMatches(list, "foo.baz");
    }

    [Fact]
    public void CachedResultsAreSharedAndNeverMutated()
    {
        var list = new Sublist();
        var first = Make("foo");
        list.Insert(first);
        var before = Match(list, "foo");
        Assert.Same(before, Match(list, "foo"));

        list.Insert(Make("foo"));
        list.Insert(Make(">", "q"));
        var after = Match(list, "foo");

        Assert.NotSame(before, after);
        Assert.Equal([first], before.Plain);
        Assert.Empty(before.Queues);
        Assert.Equal(2, after.Plain.Length);
        Assert.Single(after.Queues);

        Assert.True(list.Remove(first));
        Assert.Equal(2, after.Plain.Length);
    }

    [Fact]
    public void DisabledCacheStillMatchesAndCachesNothing()
    {
        var list = new Sublist(enableCache: false);
        Assert.False(list.CacheEnabled);
        var sub = Make("foo.*");
        list.Insert(sub);
        var a = Match(list, "foo.bar");
        var b = Match(list, "foo.bar");
        Assert.NotSame(a, b);
        Assert.Equal([sub], b.Plain);

        var stats = list.Stats();
        Assert.Equal(0, stats.NumCache);
        Assert.Equal(2, stats.NumMatches);
        Assert.Equal(0, stats.CacheHitRate);
        Assert.Equal(0, stats.MaxFanout);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(50)]
    public void RemoveBatch(int size)
    {
        var list = new Sublist();
        var stay = new[] { Make("foo.bar"), Make("foo.>", "q"), Make("*.bar") };
        var go = Enumerable.Range(0, size)
            .Select(i => (i % 4) switch
            {
                0 => Make("foo.bar"),
                1 => Make("foo.*", "q"),
                2 => Make(">"),
                _ => Make($"other.{i}"),
            })
            .ToList();
        foreach (var s in stay.Concat(go))
        {
            list.Insert(s);
        }

        _ = Match(list, "foo.bar");
        _ = Match(list, "other.3");

        var batch = go.Append(Make("never.inserted")).ToList();
        list.RemoveBatch(batch);

        Assert.Equal(stay.Length, list.Count);
        AssertMatches(list, "foo.bar", stay);
        AssertMatches(list, "other.3");
        list.RemoveBatch(batch); // all gone already: harmless
        list.RemoveBatch([]);
        Assert.Equal(stay.Length, list.Count);
        Assert.Equal(size, list.Stats().NumRemoves);
    }

    [Fact]
    public void AllReturnsEverySubscription()
    {
        var list = new Sublist();
        var subs = new[]
        {
            Make("foo"), Make("foo"), Make("foo.bar"), Make("foo.*"), Make("foo.>", "q"),
            Make("foo.>", "q"), Make(">"), Make("*", "r"), Make("a.b.c.d.e"),
        };
        foreach (var s in subs)
        {
            list.Insert(s);
        }

        var all = list.All();
        Assert.Equal(subs.Length, all.Count);
        Assert.Equal(subs.ToHashSet(), all.ToHashSet());

        list.Remove(subs[0]);
        Assert.Equal(subs.Length - 1, list.All().Count);
        Assert.Equal(subs.Length, all.Count); // earlier snapshot unchanged
    }

    [Fact]
    public void StatsCountInsertsRemovesMatchesAndFanout()
    {
        var list = new Sublist();
        var a = Make("foo.bar");
        var b = Make("foo.*");
        var c = Make("foo.bar", "q");
        var d = Make("foo.bar", "q");
        list.Insert(a);
        list.Insert(b);
        list.Insert(c);
        list.Insert(d);
        list.Remove(d);

        _ = Match(list, "foo.bar"); // miss: fanout 3 (a, b, group q)
        _ = Match(list, "foo.bar"); // hit
        _ = Match(list, "foo.baz"); // miss: fanout 1
        _ = Match(list, "foo.baz"); // hit

        var stats = list.Stats();
        Assert.Equal(3, stats.NumSubs);
        Assert.Equal(4, stats.NumInserts);
        Assert.Equal(1, stats.NumRemoves);
        Assert.Equal(4, stats.NumMatches);
        Assert.Equal(0.5, stats.CacheHitRate);
        Assert.Equal(2, stats.NumCache);
        Assert.Equal(3, stats.MaxFanout);
        Assert.Equal(2.0, stats.AvgFanout);

        var empty = new Sublist().Stats();
        Assert.Equal(0, empty.NumMatches);
        Assert.Equal(0, empty.CacheHitRate);
        Assert.Equal(0, empty.AvgFanout);
    }

    [Fact]
    public void The_cache_grows_with_the_subscriptions_so_a_round_over_many_subjects_hits()
    {
        var list = new Sublist();
        var subs = new Subscription[10_000];
        for (int i = 0; i < subs.Length; i++)
        {
            subs[i] = Make($"many.{i}");
            list.Insert(subs[i]);
        }

        var wide = Make("many.*");
        list.Insert(wide);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < subs.Length; i++)
            {
                AssertMatches(list, $"many.{i}", subs[i], wide);
            }
        }

        // The second round mostly hits (a 4-way set can overflow now and then); the 2,048 entries of a small cache could not hold a round.
        SublistStats stats = list.Stats();
        Assert.InRange(stats.NumCache, 9_000, SublistCache.MaxCapacity);
        Assert.InRange(stats.CacheHitRate, 0.45, 0.5);

        // Patched like a small one: an insert and a removal show at once.
        var late = Make("many.>");
        list.Insert(late);
        AssertMatches(list, "many.7", subs[7], wide, late);
        list.Remove(subs[7]);
        AssertMatches(list, "many.7", wide, late);
        list.Remove(wide);
        AssertMatches(list, "many.7", late);
        AssertMatches(list, "many.8", subs[8], late);
    }

    [Fact]
    public void The_cache_capacity_is_twice_the_subscriptions_within_its_bounds()
    {
        Assert.Equal(SublistCache.MinCapacity, SublistCache.CapacityFor(0));
        Assert.Equal(SublistCache.MinCapacity, SublistCache.CapacityFor(1024));
        Assert.Equal(4096, SublistCache.CapacityFor(1025));
        Assert.Equal(32 * 1024, SublistCache.CapacityFor(10_000));
        Assert.Equal(SublistCache.MaxCapacity, SublistCache.CapacityFor(1_000_000));
    }

    [Fact]
    public void CacheStaysBounded()
    {
        var list = new Sublist();
        var all = Make(">");
        var some = Make("s.*.x");
        list.Insert(all);
        list.Insert(some);
        for (int i = 0; i < 10_000; i++)
        {
            AssertMatches(list, $"s.{i}.x", all, some);
            AssertMatches(list, $"s.{i}.y", all);
        }

        var stats = list.Stats();
        Assert.InRange(stats.NumCache, 1, 2048);
        Assert.Equal(20_000, stats.NumMatches);

        // Patching after heavy eviction is still right.
        var late = Make("s.>");
        list.Insert(late);
        AssertMatches(list, "s.9999.x", all, some, late);
        list.Remove(some);
        AssertMatches(list, "s.9999.x", all, late);
        AssertMatches(list, "s.1.x", all, late);
    }
}
