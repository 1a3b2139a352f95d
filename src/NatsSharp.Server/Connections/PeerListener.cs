using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The listening socket and the running connections of one kind of server-to-server link
/// (routes, leafnodes): accepts, runs each connection to its end, and closes them all on stop.
/// </summary>
internal sealed class PeerListener<T>
    where T : PeerConnection
{
    private readonly ConcurrentDictionary<T, Task> _running = new();
    private readonly ServerLog _log;
    private readonly CancellationToken _stopping;
    private Socket? _listener;
    private Task? _acceptLoop;

    public PeerListener(ServerLog log, CancellationToken stopping)
    {
        _log = log;
        _stopping = stopping;
    }

    public int Port { get; private set; }

    /// <summary>Every connection still running (registered or not).</summary>
    public ICollection<T> Running => _running.Keys;

    /// <summary>Binds host:port (0 = random) and accepts; each accepted socket becomes a connection.</summary>
    /// <param name="portName">"router", "leafnode": for nats-server's "Error listening on … port" text.</param>
    public void Listen(string host, int port, string portName, Func<Socket, T> create)
    {
        Socket socket = TcpListen.Bind(host, port, portName);
        _listener = socket;
        Port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _acceptLoop = AcceptLoopAsync(socket, create);
    }

    private async Task AcceptLoopAsync(Socket listener, Func<Socket, T> create)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            _ = RunAsync(create(socket), static c => c.RunAsync());
        }
    }

    /// <summary>Runs a connection; the task completes with it once it has closed.</summary>
    public Task<T> RunAsync(T connection, Func<T, Task> run)
    {
        Task task = Task.Run(() => run(connection));
        _running[connection] = task;
        return task.ContinueWith(
            static (_, s) =>
            {
                var (self, c) = ((PeerListener<T>, T))s!;
                self._running.TryRemove(c, out Task? _);
                return c;
            },
            (this, connection),
            TaskScheduler.Default);
    }

    /// <summary>Stops accepting, closes every connection and waits (bounded) for them.</summary>
    public async Task StopAsync(string what)
    {
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        // What is queued goes out first, as nats-server flushes before it closes: the $SYS shutdown
        // event, sent just before, must reach the peers.
        foreach (T connection in _running.Keys)
        {
            connection.Close(ClosedReason.ServerShutdown, flushFirst: true);
        }

        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.Warn($"Timed out waiting for {what} to close");
            foreach (T connection in _running.Keys)
            {
                connection.Close(ClosedReason.ServerShutdown); // a peer that does not read is not waited for longer
            }
        }
        catch (Exception ex)
        {
            // All have ended (WhenAll waits for every one), one of them with a fault: the stop goes on.
            _log.Error($"Error closing {what}: {ex.Message}");
        }
    }
}
