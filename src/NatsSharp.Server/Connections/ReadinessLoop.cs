using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A thread waiting in epoll (Linux) for plain client sockets to become readable, which then reads and parses
/// on that thread (Connection.Readiness.cs). In place of .NET's socket engine for those reads: no receive
/// operation, awaitable or engine registration per connection, no receive that only learns "nothing yet"
/// (EAGAIN) before each wait, and no hop to a thread-pool worker for a read. Sends, closes, TLS and websocket
/// connections, routes and leafnodes keep .NET's sockets. Sockets are registered edge-triggered: a reader
/// reads until the socket is drained, and each arrival after that is a new event. A process has
/// <see cref="DefaultCount"/> loops, each socket registered with the next in turn; <c>NATSSHARP_EPOLL=N</c> in the
/// environment sets the count, <c>NATSSHARP_EPOLL=0</c> (or no epoll: not Linux) leaves every read to .NET.
/// </summary>
internal sealed class ReadinessLoop
{
    private const int EpollIn = 0x001;
    private const int EpollErr = 0x008;
    private const int EpollHup = 0x010;
    private const int EpollRdHup = 0x2000;
    private const uint EpollEt = 1u << 31;
    private const int EpollCtlAdd = 1;
    private const int EpollCloexec = 0x80000;
    private const int Eintr = 4;
    private const int MaxEvents = 256;

    /// <summary>Event bits after which the peer sends nothing more: read to the end, not only until a short read.</summary>
    public const int HangUpEvents = EpollErr | EpollHup | EpollRdHup;

    private static readonly Lazy<ReadinessLoop[]> s_loops = new(StartAll);
    private static int s_nextLoop;

    // struct epoll_event is packed on x86-64 (12 bytes: events, then data at 4); elsewhere data is 8-aligned (16).
    private static readonly int s_eventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int s_dataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epoll;
    private readonly Lock _slotsLock = new();
    private Connection?[] _slots = new Connection?[1024];
    private readonly Stack<int> _freeSlots = new();
    private int _nextSlot;
    private uint _generation;

    private ReadinessLoop(int epoll)
    {
        _epoll = epoll;
        var thread = new Thread(Run) { IsBackground = true, Name = "natssharp epoll" };
        thread.UnsafeStart();
    }

    /// <summary>The loop the next socket goes to (the process's loops start at first use); null where reads stay with .NET's sockets.</summary>
    public static ReadinessLoop? Next()
    {
        ReadinessLoop[] loops = s_loops.Value;
        return loops.Length switch
        {
            0 => null,
            1 => loops[0],
            _ => loops[(int)((uint)Interlocked.Increment(ref s_nextLoop) % (uint)loops.Length)],
        };
    }

    /// <summary>
    /// One loop per 8 CPUs, at least one. Two on a small host kept reqrep's p99 low beside other busy work
    /// (docs/benchmarks.md, "Two loops"; <c>NATSSHARP_EPOLL=2</c>), but a leafnode request/reply test lost its request
    /// in 3 of ~70 runs with two loops (none in 32 with one), not yet explained: not the default until it is.
    /// </summary>
    internal static int DefaultCount(int cpus) => Math.Max(1, cpus / 8);

    private static ReadinessLoop[] StartAll()
    {
        string? setting = Environment.GetEnvironmentVariable("NATSSHARP_EPOLL");
        int count = int.TryParse(setting, out int n) && n >= 0 ? n : DefaultCount(Environment.ProcessorCount);
        if (!OperatingSystem.IsLinux() || count == 0)
        {
            return [];
        }

        var loops = new List<ReadinessLoop>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                int epoll = EpollCreate1(EpollCloexec);
                if (epoll < 0)
                {
                    break; // as many as could be made (none: reads stay with .NET)
                }

                loops.Add(new ReadinessLoop(epoll));
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
        }

        return [.. loops];
    }

    /// <summary>
    /// Adds the socket (non-blocking already) for its readable events to <paramref name="connection"/>, which
    /// carries the returned token from then on (an event for a token no longer registered is dropped). Zero when
    /// it could not be added (closed meanwhile).
    /// </summary>
    public ulong Register(Connection connection, Socket socket)
    {
        ulong token;
        lock (_slotsLock)
        {
            if (!_freeSlots.TryPop(out int slot))
            {
                slot = _nextSlot++;
                if (slot == _slots.Length)
                {
                    // The loop reads the array after epoll_wait returns, which is after the registration below:
                    // it sees the grown array with this slot in it.
                    Array.Resize(ref _slots, _slots.Length * 2);
                }
            }

            token = ((ulong)++_generation << 32) | (uint)slot;
            connection.ReadinessToken = token;
            Volatile.Write(ref _slots[slot], connection);
        }

        Span<byte> ev = stackalloc byte[16];
        ev.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(ev, EpollIn | EpollRdHup | EpollEt);
        BinaryPrimitives.WriteUInt64LittleEndian(ev[s_dataOffset..], token);
        bool added;
        try
        {
            added = EpollCtl(_epoll, EpollCtlAdd, socket.SafeHandle, ref MemoryMarshal.GetReference(ev)) == 0; // the handle is held for the call
        }
        catch (ObjectDisposedException)
        {
            added = false;
        }

        if (!added)
        {
            Unregister(token);
            connection.ReadinessToken = 0;
            return 0;
        }

        return token;
    }

    /// <summary>
    /// The connection reads no more: its slot is free for the next one. The socket is not taken out of the epoll
    /// set (its close does that); an event still coming for it carries a token no connection has.
    /// </summary>
    public void Unregister(ulong token)
    {
        int slot = (int)(uint)token;
        lock (_slotsLock)
        {
            if (_slots[slot] is { } connection && connection.ReadinessToken == token)
            {
                Volatile.Write(ref _slots[slot], null);
                _freeSlots.Push(slot);
            }
        }
    }

    private void Run()
    {
        byte[] events = new byte[MaxEvents * s_eventSize];
        while (true)
        {
            int n = EpollWait(_epoll, ref events[0], MaxEvents, -1);
            if (n < 0)
            {
                if (Marshal.GetLastPInvokeError() == Eintr)
                {
                    continue;
                }

                return; // the epoll set is gone: nothing can be waited for
            }

            Connection?[] slots = Volatile.Read(ref _slots);
            for (int i = 0; i < n; i++)
            {
                ReadOnlySpan<byte> ev = events.AsSpan(i * s_eventSize, s_eventSize);
                int flags = (int)BinaryPrimitives.ReadUInt32LittleEndian(ev);
                ulong token = BinaryPrimitives.ReadUInt64LittleEndian(ev[s_dataOffset..]);
                int slot = (int)(uint)token;
                if (slot < slots.Length && Volatile.Read(ref slots[slot]) is { } connection && connection.ReadinessToken == token)
                {
                    connection.OnReadable(flags);
                }
            }
        }
    }

    [DllImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int EpollCreate1(int flags);

    [DllImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int EpollCtl(int epoll, int op, SafeHandle fd, ref byte ev);

    [DllImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int EpollWait(int epoll, ref byte events, int maxEvents, int timeout);
}
