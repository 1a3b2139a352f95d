using Microsoft.Extensions.Logging.Abstractions;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>Writes a config file and starts NatsSharp (or the real nats-server) from it, on 127.0.0.1 and a random port.</summary>
internal static class ConfiguredServer
{
    public static string WriteConfig(string text)
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-sec-").FullName;
        string path = Path.Combine(dir, "server.conf");
        File.WriteAllText(path, text);
        return path;
    }

    public static async Task<NatsServer> StartAsync(string configText, Action<ServerOptions>? configure = null)
    {
        ServerOptions options = ConfigBinder.Load(WriteConfig(configText)).Options;
        options.Host = "127.0.0.1";
        options.Port = ServerOptions.RandomPort;
        configure?.Invoke(options);
        var server = new NatsServer(options, NullLoggerFactory.Instance);
        await server.StartAsync();
        return server;
    }

    public static Task<RealNatsServer> StartRealAsync(string configText) =>
        RealNatsServer.StartAsync("-c", WriteConfig(configText));
}
