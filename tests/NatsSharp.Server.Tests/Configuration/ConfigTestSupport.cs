using NatsSharp.Server.Configuration;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>Shared helpers for the configuration tests.</summary>
internal static class ConfigTestSupport
{
    /// <summary>The environment the reference cases (ConfigReferenceCaseTests) give both nats-server and us.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReferenceEnvironment = new Dictionary<string, string>
    {
        ["MYENV"] = "4333",
        ["MYSTR"] = "hello world",
        ["MYSTR2"] = "abc",
    };

    public static string? ReferenceEnv(string name) => ReferenceEnvironment.TryGetValue(name, out string? v) ? v : null;

    public static string? NoEnv(string name)
    {
        _ = name;
        return null;
    }

    /// <summary>Parses text with no environment variables.</summary>
    public static ConfigTree Parse(string text) => ConfigParser.Parse(text, "t.conf", NoEnv);

    /// <summary>The top-level value of <paramref name="key"/> after parsing <paramref name="text"/>.</summary>
    public static ConfigValue Value(string text, string key = "x")
    {
        Assert.True(Parse(text).Root.TryGetValue(key, out ConfigValue value), $"key {key} missing");
        return value;
    }

    /// <summary>The exception message for text the parser rejects.</summary>
    public static string ParseError(string text)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(text));
        return e.Message;
    }

    /// <summary>Binds text onto defaults.</summary>
    public static ConfigLoadResult Bind(string text) =>
        ConfigBinder.Apply(ConfigParser.Parse(text, "t.conf", NoEnv), new ServerOptions());

    /// <summary>The -t verdict for text ("t.conf:1:0: ..." style), or null when valid.</summary>
    public static string? Verdict(string text)
    {
        try
        {
            ConfigLoadResult result = Bind(text);
            return result.Warnings.Count > 0 ? string.Join("\n", result.Warnings) : null;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    /// <summary>The repository root: the nearest ancestor of the test assembly holding NatsSharp.sln.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NatsSharp.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"NatsSharp.sln not found above {AppContext.BaseDirectory}");
    }
}
