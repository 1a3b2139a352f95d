using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace NatsSharp.Server;

public static class NatsServerServiceCollectionExtensions
{
    /// <summary>Adds a NATS server to the host, started and stopped with it.</summary>
    public static IServiceCollection AddNatsServer(this IServiceCollection services, Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions();
        configure?.Invoke(options);
        services.AddSingleton(sp => new NatsServerHostedService(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<NatsServerHostedService>());
        services.AddSingleton(sp => sp.GetRequiredService<NatsServerHostedService>().Server);
        return services;
    }
}
