using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Tests.Auth;

public class SubjectSubsetTests
{
    // The rules of nats-server's SubjectsCollide (sublist.go), used by its import cycle check.
    [Theory]
    [InlineData("foo.*", "foo.*.bar.>", false)]
    [InlineData("foo.*.bar.>", "foo.*", false)]
    [InlineData("foo.*", "foo.foo", true)]
    [InlineData("foo.*", "*.foo", true)]
    [InlineData("foo.bar.>", "*.bar.foo", true)]
    [InlineData("foo.bar", "foo.bar", true)]
    [InlineData("foo.bar", "foo.baz", false)]
    [InlineData("foo.>", "bar.>", false)]
    [InlineData("foo.*.baz", "foo.bar.*", true)]
    [InlineData("a.*.c", "a.b.c.d", false)]
    [InlineData(">", "a.b", true)]
    public void Collide_follows_nats_server(string a, string b, bool expected)
    {
        Assert.Equal(expected, SubjectSubset.Collide(a, b));
        Assert.Equal(expected, SubjectSubset.Collide(b, a));
    }
}
