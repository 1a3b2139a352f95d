using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatsSharp.Server.Connections;

/// <summary>
/// One receive or send that never waits (Linux: <c>MSG_DONTWAIT</c>), on a socket left in blocking mode; elsewhere
/// a send in .NET's non-blocking mode (<see cref="Prepare"/>), and no receive (the ReadinessLoop is Linux-only). .NET's
/// own way, <c>Socket.Blocking = false</c>, costs two <c>fcntl</c> calls and makes the socket's asynchronous
/// context (with its queues) at once; a client whose sends never have to wait needs neither (in a connection
/// storm, every client). An asynchronous operation, when one is needed (a send that found the socket full),
/// works as before: .NET makes its context then. The socket's handle is held for each call: no descriptor
/// reuse under it.
/// </summary>
internal static class NonBlockingCalls
{
    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000; // a peer gone: EPIPE, not SIGPIPE
    private const int Eintr = 4;
    private const int Eagain = 11;

    /// <summary>Where these calls are used instead of .NET's non-blocking mode.</summary>
    private static bool Available { get; } = OperatingSystem.IsLinux();

    /// <summary>Readies a plain socket for <see cref="Send"/>: nothing where the calls are there; elsewhere .NET's non-blocking mode.</summary>
    public static void Prepare(Socket socket)
    {
        if (!Available)
        {
            socket.Blocking = false;
        }
    }

    /// <summary>
    /// Receives what is there now: the bytes received (0 at the end of the stream) and
    /// <see cref="SocketError.Success"/>, <see cref="SocketError.WouldBlock"/> when nothing is there, or the
    /// failure (a reset). Throws <see cref="ObjectDisposedException"/> when the socket is closed.
    /// </summary>
    public static SocketError Receive(Socket socket, Span<byte> buffer, out int received)
    {
        while (true)
        {
            nint n = Recv(socket.SafeHandle, ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length, MsgDontWait);
            if (n >= 0)
            {
                received = (int)n;
                return SocketError.Success;
            }

            received = 0;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr)
            {
                return errno == Eagain ? SocketError.WouldBlock : SocketError.SocketError;
            }
        }
    }

    /// <summary>Sends what the socket takes now: the bytes taken (0 when it is full), or -1 on a failure. Throws <see cref="ObjectDisposedException"/> when the socket is closed.</summary>
    public static int Send(Socket socket, ReadOnlySpan<byte> data)
    {
        if (!Available)
        {
            int sent = socket.Send(data, SocketFlags.None, out SocketError error); // non-blocking mode (Prepare)
            return error switch { SocketError.Success => sent, SocketError.WouldBlock => 0, _ => -1 };
        }

        while (true)
        {
            nint n = SendCall(socket.SafeHandle, ref MemoryMarshal.GetReference(data), (nuint)data.Length, MsgDontWait | MsgNoSignal);
            if (n >= 0)
            {
                return (int)n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr)
            {
                return errno == Eagain ? 0 : -1;
            }
        }
    }

    [DllImport("libc", EntryPoint = "recv", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint Recv(SafeHandle fd, ref byte buffer, nuint length, int flags);

    [DllImport("libc", EntryPoint = "send", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint SendCall(SafeHandle fd, ref byte buffer, nuint length, int flags);
}
