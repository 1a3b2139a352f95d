using System.Text;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Protocol;

public sealed class ArgSplitterTests
{
    [Theory]
    [InlineData("foo 5", true, "foo|5")]
    [InlineData("foo bar 5", false, "foo|bar|5")]
    [InlineData("  foo\t\t bar  ", true, "foo|bar")]
    [InlineData("foo\r5", false, "foo\r5")] // PUB arguments: a CR stays inside
    [InlineData("foo\r5", true, "foo|5")]
    [InlineData("a\nb", true, "a|b")]
    [InlineData("a\nb", false, "a\nb")]
    [InlineData("", true, "")]
    [InlineData(" \t ", false, "")]
    [InlineData("a.very.long.subject.name.beyond.one.vector reply.inbox.with.more.than.sixteen 1234", false, "a.very.long.subject.name.beyond.one.vector|reply.inbox.with.more.than.sixteen|1234")]
    public void Splits_on_runs_of_blanks(string args, bool crSeparates, string expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(args);
        var split = new ArgSplitter(bytes, crSeparates);
        int count = split.Split(out Range a0, out Range a1, out Range a2, out Range a3);
        string[] tokens = new[] { a0, a1, a2, a3 }.Take(count).Select(r => Encoding.UTF8.GetString(bytes[r])).ToArray();
        Assert.Equal(expected, string.Join("|", tokens));
    }

    [Fact]
    public void Counts_every_argument_but_returns_four()
    {
        byte[] bytes = "a b c d e f"u8.ToArray();
        int count = new ArgSplitter(bytes).Split(out _, out _, out _, out Range a3);
        Assert.Equal(6, count);
        Assert.Equal("d", Encoding.UTF8.GetString(bytes[a3]));
    }

    [Fact]
    public void Tokenize_counts_beyond_the_span_it_fills()
    {
        byte[] bytes = "acc subj + reply q1 q2 q3 q4 q5 q6 q7 12"u8.ToArray();
        Span<Range> tokens = stackalloc Range[8];
        int count = ArgSplitter.Tokenize(bytes, tokens);
        Assert.Equal(12, count);
        Assert.Equal("q4", Encoding.UTF8.GetString(bytes[tokens[7]]));
    }
}
