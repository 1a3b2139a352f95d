using System.Net;
using System.Net.Sockets;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The client port: accepts sockets and hands each to the server to become a client. Closing it
/// (shutdown, lame duck) ends the accept loop; <see cref="Completion"/> says when it has.
/// </summary>
internal sealed class ClientListener
{
    private readonly Socket _socket;
    private readonly ServerLog _log;
    private volatile bool _closed;

    public ClientListener(string host, int port, ServerLog log)
    {
        _socket = TcpListen.Bind(host, TcpListen.PortToBind(port));
        _log = log;
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts accepting: <paramref name="accept"/> gets each socket with its stream.</summary>
    public void Start(Action<Socket, Stream> accept) => Completion = AcceptLoopAsync(accept);

    /// <summary>Stops accepting (idempotent).</summary>
    public void Close()
    {
        _closed = true;
        _socket.Dispose();
    }

    private async Task AcceptLoopAsync(Action<Socket, Stream> accept)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync().ConfigureAwait(false);
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
                accept(socket, new NetworkStream(socket, ownsSocket: false));
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                socket.Dispose(); // the peer went away before we could set it up
            }
        }
    }
}
