using System.Buffers;
using System.Net.Sockets;

namespace NatsSharp.Server.Connections;

/// <summary>
/// After our FIN: reads and discards what the peer still sends until its own FIN, bounded in time and bytes.
/// Closing a socket with unread input makes the kernel reset the connection and drop what the peer has not
/// read yet (our last answer); a socket drained this way closes with nothing unread.
/// </summary>
internal static class SocketDrain
{
    private const int ChunkBytes = 16 * 1024;

    /// <summary>Returns at the peer's FIN, after <paramref name="time"/>, after <paramref name="maxBytes"/>, or on a reset.</summary>
    public static async Task UntilPeerFinAsync(Socket socket, TimeSpan time, int maxBytes)
    {
        byte[] scratch = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        using var timeout = new CancellationTokenSource(time);
        try
        {
            for (int total = 0; total < maxBytes;)
            {
                int n = await socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    break; // the peer's FIN: nothing is left unread
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset, or a peer that kept sending: closed as it is.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
