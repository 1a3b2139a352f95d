using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// nats-server -js and NatsSharp with JetStream, both with the same accounts config (each with a store
/// of its own in a fresh temp directory), for side-by-side tests of per-account JetStream limits.
/// </summary>
internal sealed class JetStreamAccountsPair : IAsyncDisposable
{
    private JetStreamAccountsPair(RealNatsServer real, TestServer ours)
    {
        Real = real;
        Ours = ours;
    }

    public RealNatsServer Real { get; }

    public TestServer Ours { get; }

    public static async Task<JetStreamAccountsPair> StartAsync(string tempPrefix, string accountsConfig)
    {
        string dir = Directory.CreateTempSubdirectory(tempPrefix).FullName;
        string conf = Path.Combine(dir, "js.conf");
        await File.WriteAllTextAsync(conf, $"jetstream {{ store_dir: \"{Path.Combine(dir, "ref")}\" }}\n{accountsConfig}\n");
        RealNatsServer real = await RealNatsServer.StartAsync("-c", conf);
        try
        {
            Server.ServerOptions loaded = ConfigBinder.Load(conf).Options;
            TestServer ours = await TestServer.StartAsync(o =>
            {
                o.Accounts = loaded.Accounts;
                o.JetStream = new Server.JetStream.JetStreamOptions { StoreDir = Path.Combine(dir, "ours") };
            });
            return new JetStreamAccountsPair(real, ours);
        }
        catch
        {
            await real.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Ours.DisposeAsync();
        await Real.DisposeAsync();
    }
}
