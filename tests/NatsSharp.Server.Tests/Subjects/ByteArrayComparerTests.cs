using NatsSharp.Server.Subjects;
using static NatsSharp.Server.Tests.Subjects.Subs;

namespace NatsSharp.Server.Tests.Subjects;

public sealed class ByteArrayComparerTests
{
    [Fact]
    public void EqualContentIsEqualWithEqualHashes()
    {
        var c = ByteArrayComparer.Instance;
        byte[] a = B("foo.bar"), b = B("foo.bar");
        Assert.True(c.Equals(a, b));
        Assert.Equal(c.GetHashCode(a), c.GetHashCode(b));
        Assert.True(c.Equals("foo.bar"u8, a));
        Assert.Equal(c.GetHashCode(a), c.GetHashCode("foo.bar"u8));
        Assert.False(c.Equals(a, B("foo.baz")));
        Assert.False(c.Equals(a, null));
        Assert.True(c.Equals(null, null));
        Assert.Equal(c.GetHashCode([]), c.GetHashCode(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void SpanLookupFindsArrayKeys()
    {
        var dict = new Dictionary<byte[], int>(ByteArrayComparer.Instance) { [B("a")] = 1, [B("été")] = 2 };
        var lookup = dict.GetAlternateLookup<ReadOnlySpan<byte>>();
        Assert.True(lookup.TryGetValue("a"u8, out int one));
        Assert.Equal(1, one);
        Assert.True(lookup.TryGetValue(B("été").AsSpan(), out int two));
        Assert.Equal(2, two);
        Assert.False(lookup.TryGetValue("b"u8, out _));

        Assert.True(lookup.TryAdd("new"u8, 3));
        Assert.Equal(3, dict[B("new")]);
    }
}
