using NatsSharp.Server.Configuration;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>The shape of a file: separators, terminators, comments, keys, braces (config-language.md §2).</summary>
public sealed class ConfigGrammarTests
{
    [Theory]
    [InlineData("port: 4333\n")]
    [InlineData("port = 4333\n")]
    [InlineData("port 4333\n")]
    [InlineData("port:4333")]
    [InlineData("port=4333")]
    [InlineData("port\t4333")]
    [InlineData("port :  4333")]
    [InlineData("port\n4333\n")] // blanks between key and value may include newlines at the top level
    public void KeySeparators(string text)
    {
        Assert.Equal(4333L, Value(text, "port").AsLong);
    }

    [Fact]
    public void SemicolonAtTheStartOfALineIsPartOfTheKey()
    {
        Assert.Equal(["port", ";debug"], Parse("port: 4333;\n;debug: true\n").Root.Keys);
    }

    [Fact]
    public void KeyWithoutSeparatorOrValueAtEofIsDropped()
    {
        Assert.Equal(0, Parse("port4333\n").Root.Count);
    }

    [Theory]
    [InlineData("# comment\nport: 4333 # trailing\n")]
    [InlineData("// comment\nport: 4333 // trailing\n")]
    [InlineData("port: 4333 #c")]
    [InlineData("   # indented\n\tport: 4333\n")]
    public void Comments(string text)
    {
        Assert.Equal(4333L, Value(text, "port").AsLong);
    }

    [Theory]
    [InlineData("port: 4333; debug: true\n")]
    [InlineData("port: 4333, debug: true\n")]
    [InlineData("port: 4333\ndebug: true")]
    [InlineData("port: 4333\r\ndebug: true\r\n")]
    [InlineData("port: 4333;\ndebug: true;\n")]
    public void TopLevelTerminators(string text)
    {
        ConfigTree tree = Parse(text);
        Assert.Equal(4333L, tree.Root.Find("port")!.AsLong);
        Assert.True(tree.Root.Find("debug")!.AsBool);
    }

    [Fact]
    public void TwoPairsOnOneLineWithoutTerminatorIsAnError()
    {
        Assert.Equal(
            "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'd' instead.'",
            ParseError("port: 4333 debug: true\n"));
    }

    [Fact]
    public void KeysKeepTheirCase()
    {
        ConfigTree tree = Parse("PORT: 4333\nDebug: TRUE\n");
        Assert.Equal(["PORT", "Debug"], tree.Root.Keys);
        Assert.Equal(4333L, tree.Root.Find("port")!.AsLong);
    }

    [Fact]
    public void QuotedKeys()
    {
        ConfigTree tree = Parse("\"port\": 4333\n'debug': yes\n\"a key\" = 1\n");
        Assert.Equal(["port", "debug", "a key"], tree.Root.Keys);
    }

    [Fact]
    public void BareKeysMayContainPunctuation()
    {
        ConfigTree tree = Parse("a.b-c$d: 1\n");
        Assert.Equal(["a.b-c$d"], tree.Root.Keys);
    }

    [Theory]
    [InlineData("{ port: 4333 }")]
    [InlineData("{\n port: 4333\n}\n")]
    [InlineData("{{ port: 4333 }}\n")]
    public void OptionalBracesAroundTheFile(string text)
    {
        Assert.Equal(4333L, Value(text, "port").AsLong);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \t\n")]
    [InlineData("# only a comment")]
    public void EmptyFiles(string text)
    {
        Assert.Equal(0, Parse(text).Root.Count);
    }

    [Fact]
    public void LastDefinitionWins()
    {
        Assert.Equal(4333L, Value("port: 1\nport: 4333\n", "port").AsLong);
    }

    [Fact]
    public void MapEntriesSeparatedByNewlinesSemicolonsOrCommas()
    {
        ConfigMap map = Value("x { a = 1; b = 2, c = 3\n d 4 }\n").AsMap;
        Assert.Equal(["a", "b", "c", "d"], map.Keys);
    }

    [Fact]
    public void MapValueMayFollowOnALaterLine()
    {
        Assert.Equal(5L, Value("x {\n a:\n 5\n}\n").AsMap.Find("a")!.AsLong);
    }

    [Fact]
    public void ValueOnTheNextLineAfterATopLevelSeparatorIsAnError()
    {
        Assert.Equal("Parse error on line 2: 'Expected value but found new line'", ParseError("port:\n4222\n"));
    }

    [Fact]
    public void LoneSlashQuirks()
    {
        // nats-server: a lone '/' after a value is skipped, separates array items, and is dropped from a map key.
        Assert.Equal(
            "Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got '8' instead.'",
            ParseError("p: 1.5.6/8\n"));
        Assert.Equal(2, Value("x: [a /b]\n").AsArray.Count);
        Assert.Equal(["a"], Value("x { /a: 1 }\n").AsMap.Keys);
    }

    [Fact]
    public void KeyWithoutValueBeforeClosingBraceLeavesTheOuterKeyDangling()
    {
        // nats-server pairs values with a single key stack: in "a { b }" the empty map goes to "b".
        ConfigTree tree = Parse("a { b }\n");
        Assert.Equal(["b"], tree.Root.Keys);
        Assert.Equal(0, tree.Root.Find("b")!.AsMap.Count);
    }

    [Fact]
    public void NulCharacterReadsAsEndOfInput()
    {
        Assert.Equal(
            "Parse error on line 2: 'Unexpected EOF.'",
            ParseError("port: 1\n\0x: 1\n"));
    }

    [Theory]
    [InlineData("port: 1\n", 1, 0)]
    [InlineData("\nport: 1\n", 2, 1)]
    [InlineData("a: 1\n  port: 1\n", 2, 3)]
    [InlineData("\"port\": 1\n", 1, 1)]
    [InlineData("x: 1; port: 1\n", 1, 6)]
    [InlineData("ü: 1; port: 1\n", 1, 7)]
    public void PositionsFollowNatsServersColumnQuirk(string text, int line, int column)
    {
        ConfigPosition position = Value(text, "port").Position;
        Assert.Equal(("t.conf", line, column), (position.File, position.Line, position.Column));
        Assert.Equal($"t.conf:{line}:{column}", position.ToString());
    }

    [Fact]
    public void NestedValuesCarryTheirKeyPosition()
    {
        ConfigMap cluster = Value("cluster { listen: 127.0.0.1:6222, foo: 1 }\n", "cluster").AsMap;
        Assert.Equal(34, cluster.Find("foo")!.Position.Column);
    }

    [Fact]
    public void ArrayItemsCarryTheirOwnPosition()
    {
        IReadOnlyList<ConfigValue> items = Value("x: [1, abc]\n").AsArray;
        Assert.Equal(4, items[0].Position.Column);
        Assert.Equal(7, items[1].Position.Column);
    }

    [Fact]
    public void LexerStopsAtTheFirstError()
    {
        IReadOnlyList<ConfigToken> tokens = ConfigLexer.Tokenize("a: 1\nb: \"\\q\"\nc: 3\n");
        Assert.Equal(ConfigTokenKind.Error, tokens[^1].Kind);
        Assert.Equal(2, tokens[^1].Line);
        Assert.DoesNotContain(tokens, t => t.Text == "c");
    }

    [Fact]
    public void LexerTokenKinds()
    {
        IReadOnlyList<ConfigToken> tokens = ConfigLexer.Tokenize("a: [1, 1.5, true, s, \"q\", $v, 2023-01-01T00:00:00Z, {k: v}]\ninclude x.conf\n");
        Assert.Equal(
            [
                ConfigTokenKind.Key, ConfigTokenKind.ArrayStart, ConfigTokenKind.Integer, ConfigTokenKind.Float,
                ConfigTokenKind.Bool, ConfigTokenKind.String, ConfigTokenKind.String, ConfigTokenKind.Variable,
                ConfigTokenKind.DateTime, ConfigTokenKind.MapStart, ConfigTokenKind.Key, ConfigTokenKind.String,
                ConfigTokenKind.MapEnd, ConfigTokenKind.ArrayEnd, ConfigTokenKind.Include, ConfigTokenKind.Eof,
            ],
            tokens.Select(t => t.Kind));
    }
}
