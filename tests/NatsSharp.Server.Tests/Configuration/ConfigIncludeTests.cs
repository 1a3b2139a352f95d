using NatsSharp.Server.Configuration;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary><c>include</c>: relative paths, nesting, errors (config-language.md §5).</summary>
public sealed class ConfigIncludeTests
{
    [Theory]
    [InlineData("include ./inc.conf\n")]
    [InlineData("include \"inc.conf\"\n")]
    [InlineData("include 'inc.conf'\n")]
    [InlineData("INCLUDE inc.conf\n")]
    [InlineData("include\tinc.conf # comment\n")]
    [InlineData("include ./inc.conf; debug: false\n")]
    public void IncludeForms(string text)
    {
        using var dir = new TempConfigDir();
        dir.Write("inc.conf", "port: 4333\n");
        string main = dir.Write("main.conf", text);
        Assert.Equal(4333L, ConfigParser.ParseFile(main).Root.Find("port")!.AsLong);
    }

    [Fact]
    public void IncludedValuesKeepTheirOwnFilePositions()
    {
        using var dir = new TempConfigDir();
        string inc = dir.Write("inc.conf", "\nfoo: 1\n");
        string main = dir.Write("main.conf", "include ./inc.conf\n");
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Load(main));
        Assert.Equal($"{inc}:2:1: unknown field \"foo\"", e.Message);
    }

    [Fact]
    public void IncludeInsideABlockMergesIntoIt()
    {
        using var dir = new TempConfigDir();
        dir.Write("auth_inc.conf", "user: a\npassword: b\n");
        string main = dir.Write("main.conf", "authorization {\n include ./auth_inc.conf\n timeout: 3\n}\n");
        ConfigMap auth = ConfigParser.ParseFile(main).Root.Find("authorization")!.AsMap;
        Assert.Equal(["user", "password", "timeout"], auth.Keys);
    }

    [Fact]
    public void PathsAreRelativeToTheIncludingFile()
    {
        using var dir = new TempConfigDir();
        dir.Write("sub/a.conf", "include ./b.conf\nport: 1\n");
        dir.Write("sub/b.conf", "debug: true\n");
        string main = dir.Write("main.conf", "include sub/a.conf\n");
        ConfigTree tree = ConfigParser.ParseFile(main);
        Assert.True(tree.Root.Find("debug")!.AsBool);
        Assert.Equal(1L, tree.Root.Find("port")!.AsLong);
    }

    [Fact]
    public void IncludedKeysCanBeUsedAsVariablesAfterwards()
    {
        using var dir = new TempConfigDir();
        dir.Write("vars.conf", "P: 4333\n");
        string main = dir.Write("main.conf", "include vars.conf\nport: $P\n");
        ConfigLoadResult result = ConfigBinder.Load(main);
        Assert.Equal(4333, result.Options.Port);
    }

    [Fact]
    public void IncludedFileDoesNotSeeTheIncludersVariables()
    {
        using var dir = new TempConfigDir();
        dir.Write("inc.conf", "port: $P\n");
        string main = dir.Write("main.conf", "P: 1\ninclude inc.conf\n");
        var e = Assert.Throws<ConfigException>(() => ConfigParser.ParseFile(main, ConfigTestSupport.NoEnv));
        Assert.Equal("error parsing include file 'inc.conf', variable reference for 'P' on line 1 can not be found", e.Message);
    }

    [Fact]
    public void MissingIncludeFile()
    {
        using var dir = new TempConfigDir();
        string main = dir.Write("main.conf", "include ./missing.conf\n");
        var e = Assert.Throws<ConfigException>(() => ConfigParser.ParseFile(main));
        Assert.Equal($"error parsing include file './missing.conf', open {dir.Path}/missing.conf: no such file or directory", e.Message);
    }

    [Fact]
    public void SyntaxErrorInIncludedFile()
    {
        using var dir = new TempConfigDir();
        dir.Write("bad.conf", "port: 1\nfoo: \"\\q\"\n");
        string main = dir.Write("main.conf", "include bad.conf\n");
        var e = Assert.Throws<ConfigException>(() => ConfigParser.ParseFile(main));
        Assert.Equal(
            "error parsing include file 'bad.conf', Parse error on line 2: 'Invalid escape character 'q'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.'",
            e.Message);
    }

    [Fact]
    public void IncludingADirectory()
    {
        using var dir = new TempConfigDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub"));
        string main = dir.Write("main.conf", "include sub\n");
        var e = Assert.Throws<ConfigException>(() => ConfigParser.ParseFile(main));
        Assert.Equal($"error parsing include file 'sub', read {dir.Path}/sub: is a directory", e.Message);
    }

    [Fact]
    public void SelfIncludeFailsInsteadOfOverflowing()
    {
        using var dir = new TempConfigDir();
        string main = dir.Write("main.conf", "include main.conf\n");
        Assert.Throws<ConfigException>(() => ConfigParser.ParseFile(main));
    }

    [Theory]
    [InlineData("include [a]\n", "Expected include value but found start of an array", 1)]
    [InlineData("include {\n", "Expected include value but found start of a map", 1)]
    [InlineData("include (x)\n", "Expected include value but found start of a block", 1)]
    [InlineData("include 5\n", "Expected include value but found start of a number", 1)]
    [InlineData("include \\x\n", "Expected include value but found escape sequence", 1)]
    [InlineData("include\nfoo\n", "Expected include value but found new line", 2)]
    [InlineData("include \"abc\n", "Unexpected EOF in double quoted include", 2)]
    [InlineData("include 'abc\n", "Unexpected EOF in quoted include", 2)]
    public void IncludeSyntaxErrors(string text, string message, int line)
    {
        Assert.Equal($"Parse error on line {line}: '{message}'", ConfigTestSupport.ParseError(text));
    }

    [Fact]
    public void IncludeWithASeparatorIsAnOrdinaryKey()
    {
        Assert.Equal(5L, ConfigTestSupport.Value("include: 5\n", "include").AsLong);
    }

    [Fact]
    public void MissingMainFile()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigBinder.Load("/nonexistent.conf"));
        Assert.Equal("open /nonexistent.conf: no such file or directory", e.Message);
    }
}
