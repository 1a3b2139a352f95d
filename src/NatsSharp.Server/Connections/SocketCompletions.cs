using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    private static bool s_shortSlice = Environment.GetEnvironmentVariable("NATSSHARP_SHORT_SLICE") != "0" && OperatingSystem.IsLinux();

    [ThreadStatic]
    private static bool t_sliceAsked;

    /// <summary>
    /// Called by a read loop resumed on a socket engine's epoll thread: the first time on each such thread, asks
    /// the kernel for a short scheduling slice for it (EEVDF, Linux 6.12+: <c>sched_setattr</c> with
    /// <c>sched_runtime</c>, no privilege needed, weight and nice unchanged). A woken thread whose slice is shorter
    /// than the running task's preempts it at once instead of waiting up to the running task's slice (1.4 ms by
    /// default); this thread runs for microseconds per wake-up (a request read, routed and written), so
    /// its wake-up latency is the only thing the slice changes (docs/benchmarks.md, "Request/reply tail latency,
    /// scheduling"). <c>NATSSHARP_SHORT_SLICE=0</c> turns it off.
    /// </summary>
    public static void OnEngineThread()
    {
        if (t_sliceAsked || !Volatile.Read(ref s_shortSlice))
        {
            return;
        }

        t_sliceAsked = true;
        if (!ShortSlice.TrySet())
        {
            Volatile.Write(ref s_shortSlice, false); // an older kernel or another architecture: never again
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_PreferInlineCompletions")]
    private static extern void SetPreferInlineCompletions(Socket socket, bool value);

    /// <summary>The calling thread's EEVDF slice through <c>sched_setattr(2)</c>.</summary>
    private static class ShortSlice
    {
        private const ulong SliceNanoseconds = 100_000; // the kernel's minimum (0.1 ms)

        [StructLayout(LayoutKind.Sequential)]
        private struct SchedAttr
        {
            public uint Size;
            public uint Policy; // SCHED_OTHER
            public ulong Flags;
            public int Nice;
            public uint Priority;
            public ulong Runtime; // for SCHED_OTHER: the requested slice
            public ulong Deadline;
            public ulong Period;
        }

        public static bool TrySet()
        {
            long number = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 314,
                Architecture.Arm64 => 274,
                _ => -1,
            };
            if (number < 0)
            {
                return false;
            }

            var attr = new SchedAttr
            {
                Size = 48, // SCHED_ATTR_SIZE_VER0
                Nice = Nice(),
                Runtime = SliceNanoseconds,
            };
            try
            {
                return Syscall(number, 0, ref attr, 0) == 0; // 0: this thread
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }

        /// <summary>The thread's nice value, kept as it is (sched_setattr sets it too).</summary>
        private static int Nice()
        {
            Marshal.SetLastPInvokeError(0);
            int nice = GetPriority(0, 0); // PRIO_PROCESS of the calling thread
            return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? 0 : nice;
        }

        [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern long Syscall(long number, long pid, ref SchedAttr attr, long flags);

        [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int GetPriority(int which, int who);
    }
}
