using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Tests.Accounts;

public sealed class SubjectTransformTests
{
    [Theory]
    [InlineData("foo", "bar", "foo", "bar")]
    [InlineData("foo.*", "bar.*", "foo.x", "bar.x")]
    [InlineData("foo.*.*", "bar.$2.$1", "foo.a.b", "bar.b.a")]
    [InlineData("foo.*.*", "bar.{{wildcard(2)}}.{{wildcard(1)}}", "foo.a.b", "bar.b.a")]
    [InlineData("foo.>", "p.foo.>", "foo.a.b.c", "p.foo.a.b.c")]
    [InlineData("foo.*.>", "x.*.y.>", "foo.a.b.c", "x.a.y.b.c")]
    [InlineData("foo.*", "bar", "foo.x", "bar")]
    public void Maps_subjects_forward(string source, string dest, string subject, string expected)
    {
        SubjectTransform transform = SubjectTransform.TryCreate(source, dest, out string error)!;
        Assert.Equal("", error);
        Assert.Equal(expected, transform.Apply(subject));
    }

    [Theory]
    [InlineData("foo.*", "bar.*", "bar.x", "foo.x")]
    [InlineData("foo.*", "bar.*", "bar.*", "foo.*")]
    [InlineData("foo.*.*", "bar.$2.$1", "bar.b.a", "foo.a.b")]
    [InlineData("foo.>", "p.foo.>", "p.foo.a.*", "foo.a.*")]
    [InlineData("foo.>", "p.foo.>", "p.foo.>", "foo.>")]
    [InlineData("foo.*", "bar", "bar", "foo.*")] // a dropped wildcard stays open on the way back
    public void Reverses_for_shadow_subscriptions(string source, string dest, string subject, string expected)
    {
        SubjectTransform transform = SubjectTransform.TryCreate(source, dest, out _)!;
        Assert.Equal(expected, transform.Reverse().Apply(subject));
    }

    [Theory]
    [InlineData("foo", "bar.*")]
    [InlineData("foo", "bar.>")]
    [InlineData("foo.*", "bar.$2")]
    public void Refuses_a_destination_that_needs_what_the_source_lacks(string source, string dest)
    {
        Assert.Null(SubjectTransform.TryCreate(source, dest, out string error));
        Assert.Equal("invalid subject", error);
    }

    [Fact]
    public void Maps_into_a_growing_buffer_without_losing_bytes()
    {
        SubjectTransform transform = SubjectTransform.TryCreate("a.>", "some.much.longer.prefix.a.>", out _)!;
        byte[] buffer = new byte[4];
        int n = transform.Apply("a.b.c"u8, ref buffer);
        Assert.Equal("some.much.longer.prefix.a.b.c", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
    }

    [Theory]
    [InlineData("p.foo.x", "p.foo.>", "p.foo.x")]
    [InlineData(">", "p.foo.>", "p.foo.>")]
    [InlineData("p.*.x", "p.foo.>", "p.foo.x")]
    [InlineData("*.foo", "p.>", "p.foo")]
    [InlineData("q.>", "p.>", null)]
    [InlineData("p.foo", "p.foo.>", null)]
    [InlineData("p.*", "p.foo", "p.foo")]
    [InlineData("a.b", "a.b", "a.b")]
    public void Intersects_subscription_and_import_subjects(string a, string b, string? expected)
    {
        Assert.Equal(expected, StreamImport.Intersect(a, b));
        Assert.Equal(expected, StreamImport.Intersect(b, a));
    }

    [Fact]
    public void Shadow_subject_is_the_exported_subject_of_the_overlap()
    {
        var exporter = new Account("A", enableCache: false);
        var importer = new Account("B", enableCache: false);
        var import = new StreamImport(exporter, importer, "foo.>", "p.foo.>");
        Assert.Equal("foo.*", import.ShadowSubject("p.foo.*"));
        Assert.Equal("foo.>", import.ShadowSubject(">"));
        Assert.Null(import.ShadowSubject("q.>"));
    }

    [Fact]
    public void A_singleton_response_mapping_is_used_once_and_a_streamed_one_until_it_expires()
    {
        var exporter = new Account("A", enableCache: false);
        var importer = new Account("B", enableCache: false);
        var single = new ServiceImport(importer, exporter, "req", "req", new AccountExport { Kind = ExchangeKind.Service, Subject = "req" });
        var streamed = new ServiceImport(importer, exporter, "s", "s", new AccountExport { Kind = ExchangeKind.Service, Subject = "s", ResponseType = ServiceResponseType.Streamed });
        var expired = new ServiceImport(importer, exporter, "e", "e", new AccountExport { Kind = ExchangeKind.Service, Subject = "e", ResponseType = ServiceResponseType.Streamed, ResponseThreshold = TimeSpan.FromMilliseconds(-1) });

        byte[] r1 = importer.Responses.Register("_INBOX.1"u8, single);
        Assert.StartsWith(importer.Responses.Prefix, System.Text.Encoding.ASCII.GetString(r1));
        Assert.Equal("_INBOX.1"u8.ToArray(), importer.Responses.Take(r1));
        Assert.Null(importer.Responses.Take(r1));

        byte[] r2 = importer.Responses.Register("_INBOX.2"u8, streamed);
        Assert.Equal("_INBOX.2"u8.ToArray(), importer.Responses.Take(r2));
        Assert.Equal("_INBOX.2"u8.ToArray(), importer.Responses.Take(r2));

        byte[] r3 = importer.Responses.Register("_INBOX.3"u8, expired);
        Assert.Null(importer.Responses.Take(r3));
        Assert.Equal(1, importer.Responses.Count); // only the live streamed mapping is left
    }
}
