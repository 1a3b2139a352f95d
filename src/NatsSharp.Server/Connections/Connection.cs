using System.Net;
using System.Net.Sockets;

namespace NatsSharp.Server.Connections;

/// <summary>
/// What every kind of connection shares: the socket, the outbound buffer with its write
/// loop (Connection.Outbound.cs), counters, and one close path.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A connection ends on its one close path: the write loop disposes its deadline source, Close the socket.")]
internal abstract partial class Connection : Subjects.Subscriber
{
    private const int Open = 0;
    private const int Closing = 1; // flushing what is queued, then closing
    private const int Closed = 2;

    private int _closeState;
    private int _closedOnce;

    protected Connection(Subjects.SubscriberKind kind, ulong id, Socket? socket, Stream? stream, long maxPending, TimeSpan writeDeadline)
        : base(kind)
    {
        Id = id;
        Socket = socket;
        Stream = stream;
        MaxPending = maxPending;
        WriteDeadline = writeDeadline;
        Started = DateTime.UtcNow;
        if (socket?.RemoteEndPoint is IPEndPoint remote)
        {
            RemoteHost = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4().ToString() : remote.Address.ToString();
            RemotePort = remote.Port;
        }
    }

    public ulong Id { get; }

    public override ulong Cid => Id;

    public DateTime Started { get; }

    public string RemoteHost { get; } = "";

    public int RemotePort { get; }

    protected Socket? Socket { get; }

    protected Stream? Stream { get; private set; }

    /// <summary>Swaps the transport (plain to TLS) before the read and write loops start.</summary>
    protected void ReplaceStream(Stream stream) => Stream = stream;

    public long MaxPending { get; set; }

    public TimeSpan WriteDeadline { get; set; }

    /// <summary>Why the connection ended (valid once <see cref="IsClosed"/>).</summary>
    public ClosedReason Reason { get; private set; }

    public bool IsClosed => Volatile.Read(ref _closeState) == Closed;

    /// <summary>True once closing has begun (the connection takes no new work).</summary>
    public bool IsClosing => _closeAfterRead || Volatile.Read(ref _closeState) != Open;

    // Closed by its own read (a client's -ERR): takes no new work, but the close (and the flush before it)
    // waits until the rest of that read is handled, so what it published goes out before the peer sees the close.
    private volatile bool _closeAfterRead;
    private ClosedReason _closeAfterReadReason;

    /// <summary>Closes, flushing first, once the read in progress has been handled (see <see cref="Connection.ParseRead"/>).</summary>
    protected void CloseAfterRead(ClosedReason reason)
    {
        _closeAfterReadReason = reason;
        _closeAfterRead = true;
    }

    // Counters. In* are written by the read loop only; Out* under the outbound lock.
    public long InMsgs;
    public long InBytes;
    public long OutMsgs;
    public long OutBytes;

    /// <summary>
    /// Ends the connection. With <paramref name="flushFirst"/>, what is already queued (an
    /// -ERR, say) is written first; the write deadline bounds how long that may take.
    /// </summary>
    public void Close(ClosedReason reason, bool flushFirst = false)
    {
        if (flushFirst)
        {
            if (Interlocked.CompareExchange(ref _closeState, Closing, Open) == Open)
            {
                Reason = reason;
                SignalFlush();
            }

            return;
        }

        if (Interlocked.CompareExchange(ref _closeState, Closing, Open) == Open)
        {
            Reason = reason;
        }

        _abortive = true; // not after a flush: nothing is waiting to be delivered
        FinishClose();
    }

    /// <summary>Releases everything once; runs on whichever thread closes last.</summary>
    private void FinishClose()
    {
        if (Interlocked.Exchange(ref _closedOnce, 1) == 1)
        {
            return;
        }

        lock (OutboundLock)
        {
            Volatile.Write(ref _closeState, Closed);
            ReleaseOutbound();
        }

        OnClosing(); // while the socket is still open: once the peer sees the close, no interest of it is left
        if (!TryLinger())
        {
            try
            {
                // A socket with an operation still pending (a receive waiting, a send the peer does not take) is
                // shut down first: .NET's dispose would cancel the operation and reset the connection. After the
                // peer's FIN and our flush nothing is pending, and the close sends our FIN (one system call fewer).
                if (!_peerFinRead || _abortive)
                {
                    Socket?.Shutdown(SocketShutdown.Both);
                }
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }

            Stream?.Dispose();
            Socket?.Dispose();
        }

        TryEndIdleReads(); // reads waiting for an event end here; a running reader ends them itself

        IdleTrim.Note(); // after a storm of connections, their memory goes back once quiet
        WakeWriter();
        OnClosed(Reason);
    }

    /// <summary>Called by a publisher whose append found this connection over max_pending.</summary>
    internal override void OnSlowConsumer() => Close(ClosedReason.SlowConsumerPendingBytes);

    /// <summary>
    /// Subclasses drop the connection's interest here (and tell routes and leafnodes), before the
    /// socket is closed, as nats-server does in closeConnection: a peer that has seen the close
    /// (or connects right after) finds nothing routed to it any more. Nothing more is queued by then.
    /// </summary>
    protected virtual void OnClosing()
    {
    }

    /// <summary>Subclasses unregister and log here, once the socket is closed.</summary>
    protected abstract void OnClosed(ClosedReason reason);

    /// <summary>A connection with no socket, for unit tests of the subject layer.</summary>
    internal static Connection CreateTestDouble() => new TestDouble();

    private sealed class TestDouble : Connection
    {
        public TestDouble()
            : base(Subjects.SubscriberKind.Client, 0, null, null, long.MaxValue, TimeSpan.FromSeconds(10))
        {
        }

        protected override void OnClosed(ClosedReason reason)
        {
        }
    }
}
