using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

public sealed class SubjectRulesTests
{
    [Theory]
    [InlineData("foo")]
    [InlineData("foo.bar")]
    [InlineData("foo.bar.baz.qux")]
    [InlineData("été.*")]
    [InlineData("*")]
    [InlineData(">")]
    [InlineData("foo.*")]
    [InlineData("foo.>")]
    [InlineData("*.bar")]
    [InlineData("foo.*.baz")]
    [InlineData("*.*.>")]
    [InlineData("foo.*bar")]
    [InlineData("foo*.bar")]
    [InlineData("foo>bar")]
    [InlineData("foo.>bar")]
    [InlineData("**")]
    [InlineData(">>")]
    [InlineData("_INBOX.abc123.*")]
    [InlineData("$SYS.REQ.SERVER.PING")]
    public void ValidSubscribeSubjects(string subject) =>
        Assert.True(SubjectRules.IsValidSubscribeSubject(B(subject)));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("foo..bar")]
    [InlineData(".foo")]
    [InlineData("foo.")]
    [InlineData("foo.>.bar")]
    [InlineData(">.foo")]
    [InlineData(">.*")]
    [InlineData("foo bar")]
    [InlineData("foo.\tbar")]
    [InlineData("foo.bar\r\n")]
    [InlineData(" ")]
    public void InvalidSubscribeSubjects(string subject) =>
        Assert.False(SubjectRules.IsValidSubscribeSubject(B(subject)));

    [Theory]
    [InlineData("foo", true)]
    [InlineData("foo.bar", true)]
    [InlineData("été.x", true)]
    [InlineData("foo.*bar", true)]
    [InlineData("foo*.bar", true)]
    [InlineData("foo>bar", true)]
    [InlineData("foo.*", false)]
    [InlineData("foo.>", false)]
    [InlineData("*", false)]
    [InlineData(">", false)]
    [InlineData("*.bar", false)]
    [InlineData("foo..bar", false)]
    [InlineData(".foo", false)]
    [InlineData("foo.", false)]
    [InlineData("", false)]
    [InlineData("foo bar", false)]
    public void PublishSubjects(string subject, bool valid) =>
        Assert.Equal(valid, SubjectRules.IsValidPublishSubject(B(subject)));

    [Theory]
    [InlineData("foo", true)]
    [InlineData("foo.bar", true)]
    [InlineData("foo.*bar", true)]
    [InlineData("foo*.bar", true)]
    [InlineData("foo>bar", true)]
    [InlineData("a*b.c>d", true)]
    [InlineData("", true)]
    [InlineData("*", false)]
    [InlineData(">", false)]
    [InlineData("foo.*", false)]
    [InlineData("foo.>", false)]
    [InlineData("*.foo", false)]
    [InlineData("foo.*.bar", false)]
    [InlineData("foo.>.bar", false)]
    [InlineData("**.>", false)]
    public void IsLiteral(string subject, bool literal) =>
        Assert.Equal(literal, SubjectRules.IsLiteral(B(subject)));

    [Theory]
    [InlineData("workers", true)]
    [InlineData("q.1", true)]
    [InlineData("*", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a\tb", false)]
    [InlineData("ab\r\n", false)]
    public void QueueNames(string queue, bool valid) =>
        Assert.Equal(valid, SubjectRules.IsValidQueueName(B(queue)));

    [Theory]
    [InlineData("foo", "foo", true)]
    [InlineData("foo", "bar", false)]
    [InlineData("foo.bar", "foo.*", true)]
    [InlineData("foo", "foo.*", false)]
    [InlineData("foo.bar.baz", "foo.*", false)]
    [InlineData("foo.bar", "foo.>", true)]
    [InlineData("foo.bar.baz", "foo.>", true)]
    [InlineData("foo", "foo.>", false)]
    [InlineData("foo", ">", true)]
    [InlineData("foo.bar", "*.bar", true)]
    [InlineData("foo.bar.baz", "foo.*.baz", true)]
    [InlineData("foo.bar.bax", "foo.*.baz", false)]
    [InlineData("foo.*", "foo.*", true)]
    [InlineData("foo.*", "foo.bar", false)]
    [InlineData("foo.*", ">", true)]
    [InlineData("foo*.bar", "foo*.bar", true)]
    [InlineData("foox.bar", "foo*.bar", false)]
    [InlineData("foo.bar", "foo.bar.>", false)]
    [InlineData("foo.bar", "foo", false)]
    [InlineData("foo", "foo.bar", false)]
    public void Matches(string subject, string pattern, bool expected) =>
        Assert.Equal(expected, SubjectRules.Matches(B(subject), B(pattern)));

    [Theory]
    [InlineData("foo", true)]
    [InlineData("foo.*", true)]
    [InlineData("foo..bar", false)]
    [InlineData(".foo", false)]
    [InlineData("foo.", false)]
    [InlineData(".", false)]
    [InlineData("", false)]
    public void HasNoEmptyTokens(string subject, bool expected) =>
        Assert.Equal(expected, SubjectRules.HasNoEmptyTokens(B(subject)));
}
