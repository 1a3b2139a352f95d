using NatsSharp.Server.Configuration;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary><c>$name</c> references: block scoping, environment fallback, bcrypt exemption (config-language.md §4).</summary>
public sealed class ConfigVariableTests
{
    private static ConfigTree ParseWithEnv(string text, params (string Name, string Value)[] env)
    {
        var map = env.ToDictionary(e => e.Name, e => e.Value);
        return ConfigParser.Parse(text, "t.conf", n => map.TryGetValue(n, out string? v) ? v : null);
    }

    [Fact]
    public void EarlierKeyInTheSameBlock()
    {
        ConfigTree tree = Parse("PORT_VAR: 4333\nport: $PORT_VAR\n");
        ConfigValue port = tree.Root.Find("port")!;
        Assert.Equal(4333L, port.AsLong);
        Assert.Equal(2, port.Position.Line); // the reference takes the position of its own key
        Assert.True(tree.Root.Find("PORT_VAR")!.IsUsedVariable);
    }

    [Fact]
    public void EnclosingBlocksInnerToOuter()
    {
        ConfigMap x = Value("P: 5\nx { P: 6, z: $P }\nport: $P\n", "x").AsMap;
        Assert.Equal(6L, x.Find("z")!.AsLong);
        Assert.Equal(5L, Value("P: 5\nx { P: 6, z: $P }\nport: $P\n", "port").AsLong);
        Assert.Equal(5L, Value("P: 5\nx { y { port: $P } }\n", "x").AsMap.Find("y")!.AsMap.Find("port")!.AsLong);
    }

    [Fact]
    public void BlockScopedVariableIsNotVisibleOutside()
    {
        Assert.Equal("variable reference for 'CP' on line 2 can not be found", ParseError("cluster { CP: 6333 }\nport: $CP\n"));
    }

    [Fact]
    public void VariableDefinedLaterIsNotFound()
    {
        Assert.Equal("variable reference for 'P' on line 1 can not be found", ParseError("port: $P\nP: 4333\n"));
    }

    [Fact]
    public void VariablesAreCaseSensitive()
    {
        Assert.Equal("variable reference for 'p' on line 2 can not be found", ParseError("P: 1\nport: $p\n"));
    }

    [Fact]
    public void ArraysAndMapsCanBeReferenced()
    {
        ConfigTree tree = Parse("A: {port: 5}\nB: $A\nL: [1 ]\nx: [ $A, $L ]\n");
        Assert.Equal(5L, tree.Root.Find("B")!.AsMap.Find("port")!.AsLong);
        Assert.Equal(2, tree.Root.Find("x")!.AsArray.Count);
    }

    [Fact]
    public void EnvironmentValuesAreParsedAsConfigValues()
    {
        ConfigTree tree = ParseWithEnv(
            "port: $MYENV\nname: $MYSTR2\nm: $MYMAP\nd: $MYBOOL\ne: $EMPTY\n",
            ("MYENV", "4333"), ("MYSTR2", "abc"), ("MYMAP", "{a: 1}"), ("MYBOOL", "yes"), ("EMPTY", ""));
        Assert.Equal(4333L, tree.Root.Find("port")!.AsLong);
        Assert.Equal("abc", tree.Root.Find("name")!.AsString);
        Assert.Equal(1L, tree.Root.Find("m")!.AsMap.Find("a")!.AsLong);
        Assert.True(tree.Root.Find("d")!.AsBool);
        Assert.Equal("", tree.Root.Find("e")!.AsString);
    }

    [Fact]
    public void EnvironmentValueReferencingAnotherVariable()
    {
        ConfigTree tree = ParseWithEnv("port: $A\n", ("A", "$B"), ("B", "7"));
        Assert.Equal(7L, tree.Root.Find("port")!.AsLong);
    }

    [Fact]
    public void EnvironmentIsTheOuterMostScope()
    {
        ConfigTree tree = ParseWithEnv("V: 1\nport: $V\n", ("V", "2"));
        Assert.Equal(1L, tree.Root.Find("port")!.AsLong);
    }

    [Fact]
    public void ProcessEnvironmentIsTheDefault()
    {
        string name = "NATSSHARP_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "4321");
        try
        {
            Assert.Equal(4321L, ConfigParser.Parse($"port: ${name}\n").Root.Find("port")!.AsLong);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void UnparsableEnvironmentValue()
    {
        var e = Assert.Throws<ConfigException>(() => ParseWithEnv("server_name: $MYSTR\n", ("MYSTR", "hello world")));
        Assert.Equal(
            "variable reference for 'MYSTR' on line 1 could not be parsed: Parse error on line 1: 'Expected a top-level value to end with a new line, comment or EOF, but got 'w' instead.'",
            e.Message);
    }

    [Fact]
    public void RecursiveEnvironmentValueFailsInsteadOfOverflowing()
    {
        Assert.Throws<ConfigException>(() => ParseWithEnv("port: $LOOP\n", ("LOOP", "$LOOP")));
    }

    [Fact]
    public void NoSubstitutionInsideQuotes()
    {
        Assert.Equal("$V", Value("V: 1\nx: \"$V\"\n").AsString);
        Assert.Equal("$V", Value("V: 1\nx: '$V'\n").AsString);
    }

    [Theory]
    [InlineData("x: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG\n", "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG")]
    [InlineData("x: $2a$\n", "$2a$")]
    public void BcryptHashesAreNotVariables(string text, string expected)
    {
        Assert.Equal(expected, Value(text).AsString);
    }

    [Fact]
    public void OtherDollarPrefixesAreVariables()
    {
        Assert.Equal("variable reference for '2b$11$abc' on line 1 can not be found", ParseError("x: $2b$11$abc\n"));
        Assert.Equal("variable reference for '' on line 1 can not be found", ParseError("x: $\n"));
    }
}
