using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using static NatsSharp.Load.Libc;

namespace NatsSharp.Load;

/// <summary>
/// The storm's clients, driven by one thread over its own epoll set: it issues the connects in batches and, between
/// batches, answers each client whose INFO or PONG arrived (INFO → CONNECT + PING, PONG → done). A storm measures how
/// fast the server accepts and handshakes while the client shares its cores (on a one-machine benchmark); with a .NET
/// <c>Socket</c> and a task per client, natsload spent as much CPU per connect as the server (the runtime's epoll
/// thread, thread-pool hand-offs and wake-ups between them), and that CPU was taken from the server under test.
/// What is left per client is the kernel's: socket, bind, connect (on loopback the connect also runs the server
/// side's SYN handling), one epoll registration, two receives and a send.
/// </summary>
internal sealed unsafe class StormClients : IDisposable
{
    private const int LaunchBatch = 32;
    private const int MaxEvents = 256;
    private const int HandshakeLimit = 4096;

    private enum Phase : byte { AwaitInfo, AwaitPong, Done, Failed }

    private readonly int[] _fds;
    private readonly Phase[] _phase;
    private readonly Pending?[] _pending;
    private readonly byte[] _buffer = GC.AllocateArray<byte>(64 * 1024, pinned: true);
    private byte[] _connect = [];
    private int _epoll = -1;

    public StormClients(int clients)
    {
        _fds = new int[clients];
        Array.Fill(_fds, -1);
        _phase = new Phase[clients];
        _pending = new Pending?[clients];
        DoneAt = new long[clients];
    }

    /// <summary>When each client had its PONG (Stopwatch ticks; 0 for one that did not).</summary>
    public long[] DoneAt { get; }

    public int Ok { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>The first client's INFO line.</summary>
    public string? Info { get; private set; }

    /// <summary>When the last connect was issued (Stopwatch ticks).</summary>
    public long LaunchedAt { get; private set; }

    /// <summary>
    /// Connects every client to <paramref name="server"/> and runs the handshakes (each sends <paramref name="connect"/>,
    /// CONNECT + PING, after INFO) until all ended or the deadline.
    /// </summary>
    public void Run(IPAddress server, int port, byte[] connect, Deadline deadline)
    {
        _connect = connect;
        if (!OperatingSystem.IsLinux() || server.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new LoadException("storm needs Linux and an IPv4 server address");
        }

        _epoll = epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new LoadException("epoll_create1: " + Error(Marshal.GetLastPInvokeError()));
        }

        SockAddrIn address = SockAddrIn.Of(server.GetAddressBytes(), port);
        bool loopback = IPAddress.IsLoopback(server);
        EpollEvent* events = stackalloc EpollEvent[MaxEvents];
        int clients = _fds.Length, launched = 0, ended = 0;
        while (ended < clients)
        {
            if (launched < clients)
            {
                for (int k = 0; k < LaunchBatch && launched < clients; k++, launched++)
                {
                    if (!Launch(launched, &address, loopback))
                    {
                        ended++;
                    }
                }

                if (launched == clients)
                {
                    LaunchedAt = Stopwatch.GetTimestamp();
                }
            }
            else if (deadline.IsExpired)
            {
                break;
            }

            int timeout = launched < clients ? 0 : (int)Math.Clamp(deadline.Remaining.TotalMilliseconds, 1, 100);
            int ready = epoll_wait(_epoll, events, MaxEvents, timeout);
            if (ready < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }

                throw new LoadException("epoll_wait: " + Error(errno));
            }

            for (int e = 0; e < ready; e++)
            {
                if (Readable((int)events[e].Data))
                {
                    ended++;
                }
            }
        }

        if (ended < clients)
        {
            FirstError ??= "timed out";
        }
    }

    /// <summary>Clients whose socket retransmitted (Linux TCP_INFO tcpi_total_retrans): on loopback, a SYN the server's full accept queue dropped.</summary>
    public int CountRetransmitted()
    {
        byte* info = stackalloc byte[232];
        int count = 0;
        foreach (int fd in _fds)
        {
            int length = 232;
            if (fd >= 0 && getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &length) == 0 && length >= 104 && *(uint*)(info + 100) > 0)
            {
                count++;
            }
        }

        return count;
    }

    public void Dispose()
    {
        for (int i = 0; i < _fds.Length; i++)
        {
            if (_fds[i] >= 0)
            {
                close(_fds[i]);
                _fds[i] = -1;
            }
        }

        if (_epoll >= 0)
        {
            close(_epoll);
            _epoll = -1;
        }
    }

    /// <summary>Opens client <paramref name="i"/>'s socket and starts its connect; false (the client failed) if that did not work.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Launch(int i, SockAddrIn* server, bool loopback)
    {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return Fail(i, "socket: " + Error(Marshal.GetLastPInvokeError()));
        }

        _fds[i] = fd;
        SetInt(fd, IPPROTO_TCP, TCP_NODELAY, 1);
        if (loopback)
        {
            SetInt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1);
            SockAddrIn source = SockAddrIn.Of(StormScenario.SourceAddress(i), 0);
            if (bind(fd, &source, sizeof(SockAddrIn)) != 0)
            {
                return Fail(i, "bind: " + Error(Marshal.GetLastPInvokeError()));
            }
        }

        var ev = new EpollEvent { Events = EPOLLIN, Data = (ulong)i };
        if (epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
        {
            return Fail(i, "epoll_ctl: " + Error(Marshal.GetLastPInvokeError()));
        }

        if (connect(fd, server, sizeof(SockAddrIn)) != 0 && Marshal.GetLastPInvokeError() is int errno && errno != EINPROGRESS)
        {
            return Fail(i, "connect: " + Error(errno));
        }

        return true;
    }

    /// <summary>Client <paramref name="i"/>'s socket is readable (or failed): true when that ended its handshake.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Readable(int i)
    {
        int fd = _fds[i];
        fixed (byte* buffer = _buffer)
        {
            nint n = recv(fd, buffer, _buffer.Length, 0);
            if (_phase[i] >= Phase.Done)
            {
                // After its PONG a client reads nothing (a server PING waits for the storm's end); a close is unregistered.
                if (n == 0 || (n < 0 && Marshal.GetLastPInvokeError() != EAGAIN))
                {
                    epoll_ctl(_epoll, EPOLL_CTL_DEL, fd, null);
                }

                return false;
            }

            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno != EAGAIN && Fail(i, Error(errno));
            }

            if (n == 0)
            {
                return Fail(i, "the server closed the connection during the handshake");
            }

            var data = new ReadOnlySpan<byte>(buffer, (int)n);
            if (_pending[i] is Pending pending)
            {
                if (!pending.TryAppend(data))
                {
                    return Fail(i, "the handshake does not fit in 4 KB");
                }

                data = pending.Bytes.AsSpan(0, pending.Length);
            }

            return Handshake(i, data);
        }
    }

    /// <summary>Moves client <paramref name="i"/> through INFO → CONNECT + PING → PONG over what it has read.</summary>
    private bool Handshake(int i, ReadOnlySpan<byte> data)
    {
        if (_phase[i] == Phase.AwaitInfo)
        {
            int lineEnd = data.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return Keep(i, data);
            }

            if (!data.StartsWith("INFO "u8))
            {
                return Fail(i, "the server sent no INFO: " + Encoding.ASCII.GetString(data[..lineEnd]));
            }

            if (i == 0)
            {
                Info = Encoding.UTF8.GetString(data[..lineEnd]);
            }

            fixed (byte* connect = _connect)
            {
                if (send(_fds[i], connect, _connect.Length, MSG_NOSIGNAL) != _connect.Length)
                {
                    return Fail(i, "CONNECT not sent: " + Error(Marshal.GetLastPInvokeError()));
                }
            }

            _phase[i] = Phase.AwaitPong;
            data = data[(lineEnd + 2)..];
        }

        if (data.IndexOf("-ERR"u8) >= 0)
        {
            return Fail(i, "the server refused the client: " + Encoding.ASCII.GetString(data).Trim());
        }

        if (data.IndexOf("PONG\r\n"u8) < 0)
        {
            return Keep(i, data);
        }

        DoneAt[i] = Stopwatch.GetTimestamp();
        _phase[i] = Phase.Done;
        _pending[i] = null;
        Ok++;
        return true;
    }

    /// <summary>Keeps the part of a line that has not ended yet (rare: a server's INFO or PONG split across reads).</summary>
    private bool Keep(int i, ReadOnlySpan<byte> data)
    {
        if (data.Length > HandshakeLimit)
        {
            return Fail(i, "the handshake does not fit in 4 KB");
        }

        Pending pending = _pending[i] ??= new Pending();
        data.CopyTo(pending.Bytes); // may overlap the pending bytes themselves: CopyTo handles that
        pending.Length = data.Length;
        return false;
    }

    private bool Fail(int i, string error)
    {
        _phase[i] = Phase.Failed;
        FirstError ??= error;
        return true;
    }

    private sealed class Pending
    {
        public readonly byte[] Bytes = new byte[HandshakeLimit];
        public int Length;

        public bool TryAppend(ReadOnlySpan<byte> data)
        {
            if (Length + data.Length > Bytes.Length)
            {
                return false;
            }

            data.CopyTo(Bytes.AsSpan(Length));
            Length += data.Length;
            return true;
        }
    }
}
