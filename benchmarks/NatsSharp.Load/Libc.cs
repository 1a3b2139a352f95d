using System.Runtime.InteropServices;

namespace NatsSharp.Load;

/// <summary>
/// The few Linux calls natsload makes directly: the storm's sockets and epoll set (see <see cref="StormClients"/>:
/// a .NET <c>Socket</c> per client costs a SafeHandle, an epoll registration of the runtime's own and a thread-pool
/// hand-off per completion, all on the cores the server under test needs), and a thread's CPU affinity
/// (<see cref="StallProbe"/>).
/// </summary>
internal static unsafe partial class Libc
{
    public const int AF_INET = 2;
    public const int SOCK_STREAM = 1;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int IPPROTO_IP = 0;
    public const int IPPROTO_TCP = 6;
    public const int TCP_NODELAY = 1;
    public const int TCP_INFO = 11;
    public const int IP_BIND_ADDRESS_NO_PORT = 24;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EINPROGRESS = 115;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;

    /// <summary>struct epoll_event: packed on x86-64 (12 bytes).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    /// <summary>struct sockaddr_in (16 bytes); port and address in network byte order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrIn
    {
        public ushort Family;
        public ushort Port;
        public uint Address;
        public ulong Zero;

        public static SockAddrIn Of(ReadOnlySpan<byte> ipv4, int port) => new()
        {
            Family = AF_INET,
            Port = (ushort)((port >> 8) | ((port & 0xff) << 8)),
            Address = BitConverter.ToUInt32(ipv4),
        };
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setsockopt(int fd, int level, int name, int* value, int length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int getsockopt(int fd, int level, int name, byte* value, int* length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int bind(int fd, SockAddrIn* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int connect(int fd, SockAddrIn* address, int length);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint send(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_ctl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int epoll_wait(int epfd, EpollEvent* events, int max, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sched_setaffinity(int pid, nint size, ulong* mask);

    /// <summary>The errno of the last call above, as text ("Connection refused").</summary>
    public static string Error(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    public static int SetInt(int fd, int level, int name, int value) => setsockopt(fd, level, name, &value, sizeof(int));
}
