using System.Net.Sockets;

namespace NatsSharp.Server.Connections;

/// <summary>
/// How a close that flushed ends the socket. Closing a socket with unread input makes the kernel send a
/// reset and drop what it still holds for the peer: the tail of the flush (the -ERR, the last replies)
/// when the peer reads slowly, or a segment the loopback dropped under load and would have sent again.
/// nats-server closes that way; we send our FIN, then read and discard what the peer still sends until
/// its own FIN (bounded in time and bytes), and close with nothing unread.
/// </summary>
internal abstract partial class Connection
{
    private const int LingerBytes = 1024 * 1024;
    private static readonly TimeSpan LingerTime = TimeSpan.FromSeconds(5);

    private int _receiving; // 1 while the socket read loop is in a receive (BeginReceive .. EndReceive)
    private volatile bool _abortive; // closed without a flush: nothing is waiting to be delivered
    private volatile bool _peerFinRead; // the read loop read the peer's FIN: no input can be left unread

    /// <summary>The socket read loop, before it receives: false (and no receive) once closing has begun.</summary>
    private bool BeginReceive()
    {
        Interlocked.Exchange(ref _receiving, 1); // a full fence: TryLinger sees this, or this sees the close
        if (IsClosing)
        {
            Volatile.Write(ref _receiving, 0);
            return false;
        }

        return true;
    }

    private void EndReceive() => Volatile.Write(ref _receiving, 0);

    /// <summary>The read loop read the peer's FIN: nothing can arrive after it, so a close has nothing to linger for.</summary>
    private void NotePeerFin() => _peerFinRead = true;

    /// <summary>
    /// After a flush, over a plain socket whose read loop is in no receive (it stopped at the error, or
    /// read the peer's FIN): shuts the sending side and leaves the socket to <see cref="LingerAsync"/>.
    /// False otherwise (a reset peer, a peer whose FIN was read already, TLS, a websocket, a read loop still
    /// waiting): the caller closes at once. After the peer's FIN (a client that closed, the usual end of a
    /// connection) nothing is unread, so the close sends a FIN, not a reset; lingering would only cost a
    /// receive, its buffer and a timer per connection.
    /// </summary>
    private bool TryLinger()
    {
        if (_abortive || _peerFinRead || Socket is not { } socket || Stream is not NetworkStream stream)
        {
            return false;
        }

        Interlocked.MemoryBarrier(); // the Closed state is out before _receiving is looked at (BeginReceive's other half)
        if (Volatile.Read(ref _receiving) != 0)
        {
            return false;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }

        _ = LingerAsync(socket, stream);
        return true;
    }

    private static async Task LingerAsync(Socket socket, Stream stream)
    {
        try
        {
            await SocketDrain.UntilPeerFinAsync(socket, LingerTime, LingerBytes).ConfigureAwait(false);
        }
        finally
        {
            stream.Dispose();
            socket.Dispose();
        }
    }
}
