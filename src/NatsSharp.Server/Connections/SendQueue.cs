using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatsSharp.Server.Connections;

/// <summary>The bytes a socket's kernel send queue still holds (sent but unacknowledged, or not yet sent): Linux only.</summary>
internal static class SendQueue
{
    private const nuint SiocOutq = 0x5411; // SIOCOUTQ (= TIOCOUTQ)

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>False where it cannot be told (not Linux, no libc to call, the socket closed).</summary>
    public static bool TryRead(Socket socket, out int queued)
    {
        queued = 0;
        if (_unavailable)
        {
            return false;
        }

        try
        {
            return Ioctl(socket.SafeHandle, SiocOutq, out queued) == 0; // the handle is held for the call: no fd reuse under it
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // written bytes alone from now on
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "ioctl")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Ioctl(SafeHandle fd, nuint request, out int value);
}
