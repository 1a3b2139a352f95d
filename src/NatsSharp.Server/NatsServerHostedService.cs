using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NatsSharp.Server;

/// <summary>Runs a <see cref="NatsServer"/> inside a Generic Host (embedding, or the daemon).</summary>
public sealed class NatsServerHostedService : IHostedService, IAsyncDisposable
{
    public NatsServerHostedService(ServerOptions options, ILoggerFactory loggerFactory)
    {
        Server = new NatsServer(options, loggerFactory);
    }

    public NatsServer Server { get; }

    public Task StartAsync(CancellationToken cancellationToken) => Server.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
