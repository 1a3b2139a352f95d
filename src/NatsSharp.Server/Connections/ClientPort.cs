using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The client port: binds it, accepts sockets and admits each as a client (registered, or told the
/// server is full), also for the websocket listener's clients. Closing it (shutdown, lame duck) ends
/// the accept loop; <see cref="Completion"/> says when it has.
/// </summary>
internal sealed class ClientPort
{
    private readonly ClientRegistry _clients;
    private readonly ClientInfo _info;
    private readonly ServerStats _stats;
    private readonly ServerLog _log;
    private readonly Func<Socket, Stream, bool, ClientConnection> _create;
    private readonly Func<int> _maxConnections;
    private readonly Func<bool> _running;
    private Socket? _socket;
    private volatile bool _closed;

    /// <param name="create">Makes the connection for an accepted socket (its stream, websocket or not).</param>
    /// <param name="maxConnections">max_connections in force (reloadable).</param>
    /// <param name="running">False once shutdown has begun: a client accepted then is closed at once.</param>
    public ClientPort(ClientRegistry clients, ClientInfo info, ServerStats stats, ServerLog log, Func<Socket, Stream, bool, ClientConnection> create, Func<int> maxConnections, Func<bool> running)
    {
        _clients = clients;
        _info = info;
        _stats = stats;
        _log = log;
        _create = create;
        _maxConnections = maxConnections;
        _running = running;
    }

    /// <summary>The bound port (resolved when the options asked for a random one), 0 before <see cref="Bind"/>.</summary>
    public int Port { get; private set; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Binds and listens (the kernel queues connections from here on), right before <see cref="Start"/>: as in
    /// nats-server, a dial while the server is still starting its other parts is refused, not left waiting in the
    /// accept queue. Throws <see cref="NatsServerException"/> with nats-server's text.
    /// </summary>
    public void Bind(string host, int port)
    {
        _socket = TcpListen.Bind(host, TcpListen.PortToBind(port));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    /// <summary>Starts accepting what the kernel queued and what comes next.</summary>
    public void Start() => Completion = AcceptLoopAsync(_socket!);

    /// <summary>Stops accepting (idempotent).</summary>
    public void Close()
    {
        _closed = true;
        _socket?.Dispose();
    }

    /// <summary>Closes the port and waits until the accept loop has ended.</summary>
    public async Task CloseAsync()
    {
        Close();
        await Completion.ConfigureAwait(false);
    }

    /// <summary>
    /// Registers and runs a client; <paramref name="stream"/> is the socket's, or websocket frames over it. With
    /// <paramref name="onThisThread"/> its start (INFO, the read registration) runs here, up to its first wait.
    /// </summary>
    public void Accept(Socket socket, Stream stream, bool webSocket, bool onThisThread = false)
    {
        ClientConnection client = _create(socket, stream, webSocket);
        _stats.AddConnection();
        if (!_clients.TryAdd(client, _maxConnections()))
        {
            // nats-server sends INFO first, then the error, then closes.
            _log.Error($"{client.RemoteHost}:{client.RemotePort} - cid:{client.Id} - maximum connections exceeded");
            client.EnqueueProtocol(_info.Build(client));
            client.SendErrAndClose("maximum connections exceeded", ClosedReason.MaxConnectionsExceeded);
        }

        _clients.Run(client, onThisThread);
        if (!_running())
        {
            client.Close(ClosedReason.ServerShutdown);
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(CancellationToken.None).ConfigureAwait(false); // a ValueTask over the listener's one reused event args: no Task per connection
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                if (_closed)
                {
                    return;
                }

                _log.Error($"Error accepting client connection: {ex.Message}");
                continue;
            }

            try
            {
                socket.NoDelay = true;
                // The start runs on this thread, as the next accept would wait for a worker's wake-up anyway: with
                // the pool's workers not spinning, a hand-off per connection cost more than the start itself
                // (docs/benchmarks.md, "Storms: the $SYS update, the pool's spin and the kernel's floor").
                Accept(socket, new NetworkStream(socket, ownsSocket: false), webSocket: false, onThisThread: true);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                socket.Dispose(); // the peer went away before we could set it up
            }
        }
    }
}
