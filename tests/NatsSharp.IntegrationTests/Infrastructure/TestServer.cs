using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>An in-process NatsSharp server on 127.0.0.1 and a random port, stopped on dispose.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private TestServer(NatsServer server) => Server = server;

    public NatsServer Server { get; }

    public int Port => Server.Port;

    public string Url => $"nats://127.0.0.1:{Port}";

    public static async Task<TestServer> StartAsync(Action<ServerOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        // No default $SYS account: tests count their own subscriptions and accounts exactly, without the
        // system account's and the three system imports of every account (system account tests set it back).
        var options = new ServerOptions { Host = "127.0.0.1", Port = ServerOptions.RandomPort, NoSystemAccount = true };
        configure?.Invoke(options);
        var server = new NatsServer(options, loggerFactory ?? NullLoggerFactory.Instance);
        await server.StartAsync();
        return new TestServer(server);
    }

    public async ValueTask DisposeAsync() => await Server.StopAsync();
}
