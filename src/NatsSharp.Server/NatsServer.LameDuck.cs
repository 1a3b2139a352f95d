using NatsSharp.Server.Connections;

namespace NatsSharp.Server;

/// <summary>
/// Lame-duck mode (SIGUSR2, <c>-sl ldm</c>): stop accepting, tell clients, wait the grace
/// period, close clients spread over lame_duck_duration, then shut down.
/// </summary>
public sealed partial class NatsServer
{
    private int _lameDuck;

    /// <summary>True once lame-duck mode has begun.</summary>
    public bool IsLameDuck => Volatile.Read(ref _lameDuck) == 1;

    /// <summary>
    /// Enters lame-duck mode and completes when the server has stopped. Clients are
    /// closed one by one over <see cref="ServerOptions.LameDuckDuration"/> minus the
    /// grace period (at most a second apart), so they do not all reconnect elsewhere at once.
    /// </summary>
    public async Task LameDuckAsync()
    {
        if (Volatile.Read(ref _state) != 1 || Interlocked.Exchange(ref _lameDuck, 1) == 1)
        {
            await Stopped.ConfigureAwait(false);
            return;
        }

        Log.Notice("Entering lame duck mode, stop accepting new clients");
        _listener?.Close();
        await StopWebSocketAsync().ConfigureAwait(false); // no new websocket clients either, as nats-server
        Cluster?.AnnounceLameDuck(); // peers drop our client URLs from what they advertise
        if (_listener is not null)
        {
            await _listener.Completion.ConfigureAwait(false);
        }

        ClientConnection[] clients = [.. _clients.All];
        if (clients.Length == 0 || Volatile.Read(ref _state) != 1)
        {
            await StopAsync().ConfigureAwait(false);
            return;
        }

        ServerOptions options = Options;
        TimeSpan grace = options.LameDuckGracePeriod.Duration();
        TimeSpan spread = options.LameDuckDuration - grace;
        if (spread <= TimeSpan.Zero)
        {
            spread = TimeSpan.FromSeconds(1);
        }

        TimeSpan interval = spread / clients.Length;
        if (interval > TimeSpan.FromSeconds(1))
        {
            interval = TimeSpan.FromSeconds(1);
        }

        ClientInfo.AnnounceLameDuck(CreateInfo(), clients); // without our own client URL from now on

        // A stop (SIGINT, -sl quit) during the wait ends lame-duck mode early.
        if (!await WaitOrStoppedAsync(grace).ConfigureAwait(false))
        {
            return;
        }

        Log.Notice("Closing existing clients");
        for (int i = 0; i < clients.Length; i++)
        {
            clients[i].Close(ClosedReason.ServerShutdown, flushFirst: true); // the ldm INFO goes out first
            if (i == clients.Length - 1)
            {
                break;
            }

            // A random pause of at least half the interval, as nats-server.
            TimeSpan pause = interval * (0.5 + (0.5 * Random.Shared.NextDouble()));
            if (!await WaitOrStoppedAsync(pause).ConfigureAwait(false))
            {
                return;
            }
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <summary>False when the server stopped during the wait.</summary>
    private async Task<bool> WaitOrStoppedAsync(TimeSpan delay)
    {
        Task finished = await Task.WhenAny(Task.Delay(delay), Stopped).ConfigureAwait(false);
        return finished != Stopped && Volatile.Read(ref _state) == 1;
    }
}
