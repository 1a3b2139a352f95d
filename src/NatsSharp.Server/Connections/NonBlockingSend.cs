using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatsSharp.Server.Connections;

/// <summary>
/// send(2) with MSG_DONTWAIT on a socket the runtime also uses asynchronously: writes what the
/// kernel takes at once and never waits. .NET has no non-blocking flag for one call (a sync
/// Socket.Send waits when the buffer is full), and switching the socket to non-blocking would
/// change every other use of it. Linux only; elsewhere it sends nothing.
/// </summary>
internal static class NonBlockingSend
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;

    private static bool s_available = OperatingSystem.IsLinux();

    public static bool Available => s_available;

    /// <summary>Bytes the kernel took (0 when it would block, on any error, or after close: the write loop then sees the error).</summary>
    public static int TrySend(SafeSocketHandle handle, ReadOnlySpan<byte> data)
    {
        if (!s_available || data.IsEmpty)
        {
            return 0;
        }

        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added); // the descriptor cannot be closed (and reused) while it is sent on
            nint sent = Send((int)handle.DangerousGetHandle(), ref MemoryMarshal.GetReference(data), data.Length, MsgDontWait | MsgNoSignal);
            return sent > 0 ? (int)sent : 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_available = false;
            return 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", EntryPoint = "send")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Send(int fd, ref byte buffer, nint length, int flags);
}
