using NatsSharp.Server.Configuration;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>Scalars, arrays and maps (config-language.md §3).</summary>
public sealed class ConfigValueTests
{
    [Theory]
    [InlineData("x: a:b\n", "a:b")]
    [InlineData("x: nats://127.0.0.1:4222\n", "nats://127.0.0.1:4222")]
    [InlineData("x: 127.0.0.1:4222\n", "127.0.0.1:4222")]
    [InlineData("x: 10.0.0.1\n", "10.0.0.1")]
    [InlineData("x: 30s\n", "30s")]
    [InlineData("x: 2x\n", "2x")]
    [InlineData("x: /tmp/x.log\n", "/tmp/x.log")]
    [InlineData("x: foo\\tbar\n", "foo\tbar")] // bare strings process escapes too
    public void BareStrings(string text, string expected)
    {
        ConfigValue value = Value(text);
        Assert.Equal(ConfigValueKind.String, value.Kind);
        Assert.Equal(expected, value.AsString);
    }

    [Fact]
    public void SingleQuoteEndsABareString()
    {
        Assert.Equal("a", Value("x: a'\n").AsString);
        Assert.Equal(
            "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'b' instead.'",
            ParseError("x: a'b\n"));
    }

    [Fact]
    public void NumberFollowedByOtherCharactersIsAStringThatKeepsThatCharacter()
    {
        // nats-server lexes "2]" inside an array as the string "2]".
        Assert.Equal(
            "Parse error on line 2: 'Expected an array value terminator \",\" or an array terminator \"]\", but got '\0' instead.'",
            ParseError("x: [1, 2]\n"));
        Assert.Equal(["1", "2"], Value("x: [1, 2 ]\n").AsArray.Select(v => v.ToGoString()));
    }

    [Fact]
    public void UnquotedStringWithSpaceIsAnError()
    {
        Assert.Equal(
            "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 's' instead.'",
            ParseError("server_name: my server\n"));
    }

    [Theory]
    [InlineData("x: \"a\\tb\\x41\\\\ \\\"q\\\"\"\n", "a\tbA\\ \"q\"")]
    [InlineData("x: \"\\n\\r\"\n", "\n\r")]
    [InlineData("x: \"\\xc3\\xa9\"\n", "é")] // \x bytes form UTF-8 like Go's byte strings
    [InlineData("x: \"$V\"\n", "$V")] // no variables inside quotes
    [InlineData("x: \"true\"\n", "true")] // quoted booleans are strings
    [InlineData("x: \"multi\nline\"\n", "multi\nline")]
    [InlineData("x: \"a # not a comment\"\n", "a # not a comment")]
    public void DoubleQuotedStrings(string text, string expected)
    {
        ConfigValue value = Value(text);
        Assert.Equal(ConfigValueKind.String, value.Kind);
        Assert.Equal(expected, value.AsString);
    }

    [Theory]
    [InlineData("x: 'a\\tb'\n", "a\\tb")]
    [InlineData("x: 'say \"hi\"'\n", "say \"hi\"")]
    [InlineData("x: 'two\nlines'\n", "two\nlines")]
    public void SingleQuotedStringsHaveNoEscapes(string text, string expected)
    {
        Assert.Equal(expected, Value(text).AsString);
    }

    [Theory]
    [InlineData("x: (\nmy server\n)\n", "\nmy server\n")]
    [InlineData("x: (\nline (1)\nline 2)\n)\n", "\nline (1)\nline 2)\n")]
    [InlineData("x: (\nmy server\n)", "\nmy server\n)")] // nats-server keeps the ')' when it is the last byte
    public void BlockStrings(string text, string expected)
    {
        Assert.Equal(expected, Value(text).AsString);
    }

    [Theory]
    [InlineData("x: \"a\\qb\"\n", "Parse error on line 1: 'Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'")]
    [InlineData("x: \"\\xZZ\"\n", "Parse error on line 1: 'Expected two hexadecimal digits after '\\x', but got 'ZZ''")]
    [InlineData("x: \"\\x4\n\"\n", "Parse error on line 2: 'Expected two hexadecimal digits after '\\x', but hit end of line'")]
    [InlineData("x: (\nno end\n", "Parse error on line 3: 'Unexpected EOF processing block.'")]
    public void StringErrors(string text, string message)
    {
        Assert.Equal(message, ParseError(text));
    }

    [Fact]
    public void UnterminatedStringReportsTheLineOfTheEnd()
    {
        Assert.Equal("Parse error on line 2: 'Unexpected EOF.'", ParseError("server_name: \"abc\n"));
    }

    [Fact]
    public void OpenQuoteAtTheVeryEndIsSilentlyIgnored()
    {
        Assert.Equal(0, Parse("x: \"").Root.Count);
    }

    [Theory]
    [InlineData("x: 0", 0L)]
    [InlineData("x: 4333", 4333L)]
    [InlineData("x: -1", -1L)]
    [InlineData("x: 007", 7L)]
    [InlineData("x: 2k", 2000L)]
    [InlineData("x: 2K", 2000L)]
    [InlineData("x: 4kb", 4096L)]
    [InlineData("x: 1KB", 1024L)]
    [InlineData("x: 1ki", 1024L)]
    [InlineData("x: 1KiB", 1024L)]
    [InlineData("x: 3m", 3_000_000L)]
    [InlineData("x: 2MB", 2_097_152L)]
    [InlineData("x: 64mb", 67_108_864L)]
    [InlineData("x: 1Mi", 1_048_576L)]
    [InlineData("x: 1g", 1_000_000_000L)]
    [InlineData("x: 1GiB", 1_073_741_824L)]
    [InlineData("x: 1t", 1_000_000_000_000L)]
    [InlineData("x: 1tb", 1L << 40)]
    [InlineData("x: 1p", 1_000_000_000_000_000L)]
    [InlineData("x: 1pib", 1L << 50)]
    [InlineData("x: 1e", 1_000_000_000_000_000_000L)]
    [InlineData("x: 1EB", 1L << 60)]
    [InlineData("x: -2m", -2_000_000L)]
    public void IntegersAndSizeSuffixes(string text, long expected)
    {
        ConfigValue value = Value(text);
        Assert.Equal(ConfigValueKind.Integer, value.Kind);
        Assert.Equal(expected, value.AsLong);
    }

    [Fact]
    public void UnknownSuffixLettersAfterAValidSuffixDropTheValue()
    {
        // "1kbib" lexes as a number but no multiplier matches: nats-server drops it silently.
        Assert.Equal(["foo"], Parse("port: 1kbib\nfoo: 1\n").Root.Keys);
    }

    [Theory]
    [InlineData("x: 99999999999999999999\n", "integer '99999999999999999999' is out of the range")]
    [InlineData("x: 12-3\n", "Parse error on line 1: 'All ISO8601 dates must be in full Zulu form.'")]
    [InlineData("x: -x\n", "Parse error on line 1: 'Expected a digit but got 'x'.'")]
    [InlineData("x: -.5\n", "Parse error on line 1: 'Floats must start with a digit, not '.'.'")]
    [InlineData("x: .5\n", "Parse error on line 1: 'Floats must start with a digit'")]
    [InlineData("x: 1.\n", "Parse error on line 2: 'Floats must have a digit after the '.', but got '\\n' instead.'")]
    public void NumberErrors(string text, string message)
    {
        Assert.Equal(message, ParseError(text));
    }

    [Theory]
    [InlineData("x: 0.5", 0.5)]
    [InlineData("x: 42.5", 42.5)]
    [InlineData("x: -1.25", -1.25)]
    public void Floats(string text, double expected)
    {
        ConfigValue value = Value(text);
        Assert.Equal(ConfigValueKind.Float, value.Kind);
        Assert.Equal(expected, value.AsDouble);
    }

    [Theory]
    [InlineData("x: true", true)]
    [InlineData("x: TRUE", true)]
    [InlineData("x: yes", true)]
    [InlineData("x: On", true)]
    [InlineData("x: false", false)]
    [InlineData("x: No", false)]
    [InlineData("x: off", false)]
    [InlineData("x: FALSE", false)]
    public void Booleans(string text, bool expected)
    {
        ConfigValue value = Value(text);
        Assert.Equal(ConfigValueKind.Bool, value.Kind);
        Assert.Equal(expected, value.AsBool);
    }

    [Theory]
    [InlineData("x: maybe")]
    [InlineData("x: \"true\"")]
    [InlineData("x: truex")]
    public void NotBooleans(string text)
    {
        Assert.Equal(ConfigValueKind.String, Value(text).Kind);
    }

    [Fact]
    public void Datetime()
    {
        ConfigValue value = Value("x: 2023-01-02T03:04:05Z\n");
        Assert.Equal(ConfigValueKind.DateTime, value.Kind);
        Assert.Equal(new DateTime(2023, 1, 2, 3, 4, 5, DateTimeKind.Utc), value.AsDateTime);
        Assert.Equal("time.Time", value.GoTypeName);
    }

    [Theory]
    [InlineData("x: 2023-01-01\n", "Parse error on line 2: 'Expected 'T' in ISO8601 datetime, but found '\\n' instead.'")]
    [InlineData("x: 2023-01-0xT00:00:00Z\n", "Parse error on line 1: 'Expected digit in ISO8601 datetime, but found 'x' instead.'")]
    [InlineData("x: 2023-13-01T00:00:00Z\n", "expected Zulu formatted DateTime, but got '2023-13-01T00:00:00Z'")]
    public void DatetimeErrors(string text, string message)
    {
        Assert.Equal(message, ParseError(text));
    }

    [Theory]
    [InlineData("x: [\"nats://127.0.0.1:6001\", nats://127.0.0.1:6002]\n")]
    [InlineData("x: [\n nats://127.0.0.1:6001\n nats://127.0.0.1:6002\n]\n")]
    [InlineData("x: [nats://127.0.0.1:6001, nats://127.0.0.1:6002,]\n")]
    [InlineData("x: [ # comment\n nats://127.0.0.1:6001 // another\n nats://127.0.0.1:6002 ]\n")]
    public void Arrays(string text)
    {
        Assert.Equal(["nats://127.0.0.1:6001", "nats://127.0.0.1:6002"], Value(text).AsArray.Select(v => v.AsString));
    }

    [Fact]
    public void EmptyAndNestedArrays()
    {
        Assert.Empty(Value("x: []\n").AsArray);
        Assert.Empty(Value("x: [\n]\n").AsArray);
        IReadOnlyList<ConfigValue> nested = Value("x: [[1 ], {a: 1}]\n").AsArray;
        Assert.Equal(ConfigValueKind.Array, nested[0].Kind);
        Assert.Equal(ConfigValueKind.Map, nested[1].Kind);
    }

    [Theory]
    [InlineData("x: [a,,b]\n", "Parse error on line 1: 'Unexpected array value terminator ','.'")]
    [InlineData("x: [,]\n", "Parse error on line 1: 'Unexpected array value terminator ','.'")]
    [InlineData("x: [a;b]\n", "Parse error on line 1: 'Expected an array value terminator \",\" or an array terminator \"]\", but got ';' instead.'")]
    public void ArrayErrors(string text, string message)
    {
        Assert.Equal(message, ParseError(text));
    }

    [Theory]
    [InlineData("authorization { user = a; password = b }")]
    [InlineData("authorization {\n user = a\n password = b\n}\n")]
    [InlineData("authorization: { user: a, password: b }")]
    [InlineData("authorization = {\n user a # c\n password b // c\n}\n")]
    [InlineData("authorization {\n \"user\": a\n 'password': b\n}\n")]
    public void Maps(string text)
    {
        ConfigMap map = Value(text, "authorization").AsMap;
        Assert.Equal("a", map.Find("user")!.AsString);
        Assert.Equal("b", map.Find("password")!.AsString);
    }

    [Theory]
    [InlineData("cluster { listen: 127.0.0.1:6222\n", "Parse error on line 2: 'Unexpected EOF processing map.'")]
    [InlineData("x { a: 1 b: 2 }\n", "Parse error on line 1: 'Expected a map value terminator \",\" or a map terminator \"}\", but got 'b' instead.'")]
    [InlineData("x { a: , }\n", "Parse error on line 1: 'Unexpected map value terminator \",\".'")]
    [InlineData("x { : 1 }\n", "Parse error on line 1: 'Unexpected key separator ':'.'")]
    [InlineData("x { ] }\n", "Parse error on line 1: 'Unexpected array end ']' processing map.'")]
    [InlineData("x { a", "Parse error on line 1: 'Unexpected EOF processing map key.'")]
    [InlineData("x { \"a", "Parse error on line 1: 'Unexpected EOF processing double quoted map key.'")]
    [InlineData("x { 'a", "Parse error on line 1: 'Unexpected EOF processing quoted map key.'")]
    [InlineData(": 1\n", "Parse error on line 1: 'Unexpected key separator ':''")]
    public void MapAndKeyErrors(string text, string message)
    {
        Assert.Equal(message, ParseError(text));
    }
}
