using Microsoft.Extensions.Hosting;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The monitor's Kestrel host lifetime: none. The default (ConsoleLifetime) traps SIGINT, SIGTERM and
/// SIGQUIT to stop Kestrel alone: a SIGTERM before the daemon's own handlers were in place stopped the
/// monitor and was swallowed, leaving the server running. Signals belong to the daemon (or the embedder).
/// </summary>
internal sealed class NoSignalsLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
