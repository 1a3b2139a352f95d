using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Lame-duck mode (SIGUSR2, <c>-sl ldm</c>): stop accepting, tell clients, wait the grace period,
/// close clients spread over lame_duck_duration, then shut the server down.
/// </summary>
internal sealed class LameDuck
{
    private readonly ClientPort _port;
    private readonly ClientRegistry _clients;
    private readonly ClientInfo _info;
    private readonly ServerLog _log;
    private readonly Func<ServerOptions> _options;
    private readonly Func<bool> _running;
    private readonly Task _stopped;
    private int _active;

    /// <param name="running">False once shutdown has begun.</param>
    /// <param name="stopped">Completes when the server has stopped.</param>
    public LameDuck(ClientPort port, ClientRegistry clients, ClientInfo info, ServerLog log, Func<ServerOptions> options, Func<bool> running, Task stopped)
    {
        _port = port;
        _clients = clients;
        _info = info;
        _log = log;
        _options = options;
        _running = running;
        _stopped = stopped;
    }

    /// <summary>True once lame-duck mode has begun.</summary>
    public bool IsActive => Volatile.Read(ref _active) == 1;

    /// <summary>
    /// Enters lame-duck mode and completes when the server has stopped. Clients are closed one by one
    /// over lame_duck_duration minus the grace period (at most a second apart), so they do not all
    /// reconnect elsewhere at once.
    /// </summary>
    /// <param name="stopOtherPorts">Closes the websocket port (no new websocket clients either, as nats-server).</param>
    /// <param name="announceToPeers">Peers drop our client URLs from what they advertise.</param>
    /// <param name="stop">Shuts the server down.</param>
    public async Task RunAsync(Func<Task> stopOtherPorts, Action announceToPeers, Func<Task> stop)
    {
        if (!_running() || Interlocked.Exchange(ref _active, 1) == 1)
        {
            await _stopped.ConfigureAwait(false);
            return;
        }

        _log.Notice("Entering lame duck mode, stop accepting new clients");
        _port.Close();
        await stopOtherPorts().ConfigureAwait(false);
        announceToPeers();
        await _port.Completion.ConfigureAwait(false);

        ClientConnection[] clients = [.. _clients.All];
        if (clients.Length == 0 || !_running())
        {
            await stop().ConfigureAwait(false);
            return;
        }

        ServerOptions options = _options();
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

        _info.AnnounceLameDuck(clients); // without our own client URL from now on

        // A stop (SIGINT, -sl quit) during the wait ends lame-duck mode early.
        if (!await WaitOrStoppedAsync(grace).ConfigureAwait(false))
        {
            return;
        }

        _log.Notice("Closing existing clients");
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

        await stop().ConfigureAwait(false);
    }

    /// <summary>For <c>$SYS</c> <c>LDM</c>: sends client <paramref name="cid"/> an INFO with <c>ldm:true</c> so it reconnects elsewhere.</summary>
    public string? SendInfo(ulong cid)
    {
        if (!_clients.TryGet(cid, out ClientConnection? client) || client is null)
        {
            return "no such client id";
        }

        _info.SendLameDuck(client);
        return null;
    }

    /// <summary>False when the server stopped during the wait.</summary>
    private async Task<bool> WaitOrStoppedAsync(TimeSpan delay)
    {
        Task finished = await Task.WhenAny(Task.Delay(delay), _stopped).ConfigureAwait(false);
        return finished != _stopped && _running();
    }
}
