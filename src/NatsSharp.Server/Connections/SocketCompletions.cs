using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Per-socket inline completions on Linux: the socket's receive and send completions run on the socket
/// engine's epoll thread instead of being queued to a thread-pool worker, which on the request/reply path is
/// the one hop left per message and where its tail was (docs/benchmarks.md, "Per-socket inline completions").
/// .NET has this per socket (<c>Socket.PreferInlineCompletions</c>, internal; the process-wide switch
/// <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> sets it for every socket, the listener included).
/// Where the runtime has no such member (Windows, another runtime), nothing happens.
/// <c>NATSSHARP_INLINE_COMPLETIONS=0</c> in the environment turns it off.
/// </summary>
internal static class SocketCompletions
{
    private static bool s_enabled = Environment.GetEnvironmentVariable("NATSSHARP_INLINE_COMPLETIONS") != "0" && OperatingSystem.IsLinux();

    /// <summary>Makes the socket's completions run inline from now on; false when that is not available.</summary>
    public static bool PreferInline(Socket socket)
    {
        if (!Volatile.Read(ref s_enabled))
        {
            return false;
        }

        try
        {
            SetPreferInlineCompletions(socket, true);
            return true;
        }
        catch (MissingMemberException)
        {
            Volatile.Write(ref s_enabled, false); // this runtime has no per-socket switch
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);
}
