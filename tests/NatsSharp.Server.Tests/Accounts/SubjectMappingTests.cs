using System.Text;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Tests.Accounts;

/// <summary>Mapping destinations and their functions, with the outputs of nats-server 2.9.10's transform (MappingSideBySideTests plays them against it).</summary>
public sealed class SubjectMappingTests
{
    [Theory]
    [InlineData("foo", "bar.$1", "foo", "bar.$1")] // a literal source takes the destination verbatim
    [InlineData("foo.*", "bar.$1", "foo.x", "bar.x")]
    [InlineData("foo.*.*", "{{ Wildcard(2) }}.{{wildcard(1)}}", "foo.a.b", "b.a")]
    [InlineData("foo.>", "bar.>", "foo.a.b", "bar.a.b")]
    [InlineData("foo.*.>", "bar.$1.>", "foo.a.b.c", "bar.a.b.c")]
    [InlineData("foo.*", "{{splitfromleft(1,2)}}", "foo.abcdef", "ab.cdef")]
    [InlineData("foo.*", "{{splitfromleft(1,2)}}", "foo.ab", "ab")]
    [InlineData("foo.*", "{{splitfromright(1,2)}}", "foo.abcdef", "abcd.ef")]
    [InlineData("foo.*", "{{slicefromleft(1,3)}}", "foo.abcdefg", "abc.def.g")]
    [InlineData("foo.*", "{{slicefromleft(1,3)}}", "foo.abcdef", "abc.def")]
    [InlineData("foo.*", "{{slicefromright(1,3)}}", "foo.abcdefg", "a.bcd.efg")]
    [InlineData("foo.*", "{{split(1,-)}}", "foo.-a--b-c-", "a.b.c")]
    [InlineData("foo.*", "{{split(1,-)}}", "foo.abc", "abc")]
    [InlineData("foo.*", "p.{{partition(10,1)}}", "foo.a", "p.0")] // FNV-1a("a") = 3826002220, % 10
    public void Maps_with_functions(string source, string dest, string subject, string expected)
    {
        SubjectTransform transform = SubjectTransform.TryCreateMapping(source, dest, out string error)!;
        Assert.Equal("", error);
        Assert.Equal(expected, transform.Apply(subject));
    }

    [Theory]
    [InlineData("foo.*", "bar.$2", "invalid mapping destination: wildcard index out of range in $2: [2]")]
    [InlineData("foo.*", "bar", "invalid mapping destination: not using all of the token wildcard(s) in bar")]
    [InlineData("foo.*", "{{nope(1)}}", "invalid mapping destination: unknown function in {{nope(1)}}")]
    [InlineData("foo.*", "{{partition(3)}}", "invalid mapping destination: not enough arguments passed to the function in {{partition(3)}}")]
    [InlineData("foo.*", "{{split(1,a b)}}", "invalid mapping destination: function argument is invalid or in the wrong format in {{split(1,a b)}}")]
    [InlineData("foo.*", "bar.*", "invalid subject")]
    [InlineData("foo", "bar.>", "invalid subject")]
    public void Refuses_what_nats_server_refuses(string source, string dest, string expected)
    {
        Assert.Null(SubjectTransform.TryCreateMapping(source, dest, out string error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Mapper_picks_the_first_matching_source_and_reports_a_drop()
    {
        SubjectMapper mapper = SubjectMapper.Create(
        [
            new SubjectMapping { Source = "a.*", Destinations = [new MappingDestination { Subject = "b.$1" }] },
            new SubjectMapping { Source = "gone", Destinations = [new MappingDestination { Subject = "gone", Weight = 0 }] },
            new SubjectMapping { Source = "east", Destinations = [new MappingDestination { Subject = "e", Cluster = "C1" }] },
        ])!;
        Assert.Equal("b.x", Map(mapper, "a.x", ""));
        Assert.Equal("(none)", Map(mapper, "c", ""));
        Assert.Equal("", Map(mapper, "gone", "")); // the source listed at 0%: nothing is kept
        Assert.Equal("e", Map(mapper, "east", "C1"));
        Assert.Equal("east", Map(mapper, "east", "C2")); // other clusters keep the subject
    }

    private static string Map(SubjectMapper mapper, string subject, string cluster)
    {
        byte[] buffer = [];
        int n = mapper.Map(Encoding.UTF8.GetBytes(subject), cluster, ref buffer);
        return n < 0 ? "(none)" : Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Theory]
    [InlineData(30, 30, "total weight needs to be <= 100", 80)]
    [InlineData(101, 0, "individual weights need to be <= 100", 0)]
    public void Weights_are_checked(int first, int second, string expected, int third)
    {
        var mapping = new SubjectMapping
        {
            Source = "w",
            Destinations = [new MappingDestination { Subject = "a", Weight = first }, new MappingDestination { Subject = "b", Weight = second }, new MappingDestination { Subject = "c", Weight = third }],
        };
        Assert.Equal(expected, SubjectMapper.Validate(mapping));
    }
}
