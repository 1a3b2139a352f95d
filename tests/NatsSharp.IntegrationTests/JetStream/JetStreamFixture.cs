using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.JetStream;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>Starts NatsSharp (and nats-server where a test compares) with JetStream on a throwaway store directory.</summary>
internal static class JetStreamFixture
{
    public static Task<TestServer> StartAsync(Action<Server.ServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.JetStream = new JetStreamOptions { StoreDir = Directory.CreateTempSubdirectory("natssharp-js-").FullName };
            configure?.Invoke(o);
        });

    public static Task<RealNatsServer> StartRealAsync() =>
        RealNatsServer.StartAsync("-js", "-sd", Directory.CreateTempSubdirectory("nats-js-ref-").FullName);
}
