using NatsSharp.Server;

namespace NatsSharp;

/// <summary>Reads a config file into options (the Configuration module does the work).</summary>
internal static class ConfigFileLoader
{
    public static ServerOptions Load(string path, List<string> warnings)
    {
        throw new NotImplementedException("wired when the configuration module lands");
    }

    public static bool IsConfigError(Exception ex) => ex is IOException;
}
