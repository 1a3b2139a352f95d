using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp;

/// <summary>Reads a config file into options through the Configuration module.</summary>
internal static class ConfigFileLoader
{
    /// <summary>Binds the file over <paramref name="baseline"/> (never changed); warnings are returned, not printed.</summary>
    public static ServerOptions Load(string path, ServerOptions baseline, List<string> warnings)
    {
        ConfigLoadResult result = ConfigBinder.Load(path, baseline);
        warnings.AddRange(result.Warnings);
        return result.Options;
    }

    /// <summary>-t: null when the file is valid, else nats-server's message.</summary>
    public static string? Check(string path) => ConfigBinder.Check(path);

    public static bool IsConfigError(Exception ex) => ex is ConfigException;
}
