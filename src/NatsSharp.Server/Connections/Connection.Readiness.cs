using System.Buffers;
using System.Net.Sockets;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Reads of a plain client socket driven by the <see cref="ReadinessLoop"/>: when the socket becomes readable,
/// the loop's thread receives and parses right there (a handshake that may check a bcrypt password, and a large
/// read, go to a thread-pool worker as in the socket read loop). One reader at a time: an event that comes while
/// a read runs makes it receive once more before it stops. An idle connection holds no buffer.
/// </summary>
internal abstract partial class Connection
{
    private const int ReadsIdle = 0; // waiting for the next event
    private const int ReadsRunning = 1; // a reader is receiving or parsing
    private const int ReadsAgain = 2; // running, and an event came meanwhile: receive once more before going idle
    private const int ReadsDone = 3; // closed: the buffer is back, the slot free

    private int _readsState;
    private int _hangUpSeen; // ReadinessLoop.HangUpEvents seen: the reader reads until the end, not until a short read
    private InboundBuffer _readsBuffer;
    private int _handedOffBytes; // received on the loop's thread, parsed by the worker it went to
    private bool _handedOffDrained; // and that read was short: the socket had nothing more

    private ReadinessLoop? _readinessLoop;

    /// <summary>The connection's registration with its <see cref="ReadinessLoop"/> (0: none).</summary>
    internal ulong ReadinessToken { get; set; }

    /// <summary>
    /// Registers the socket with the loop; from then on reads run from its events. The returned task is complete:
    /// reads end with the connection (its write loop's end is the connection's end). Falls back to the socket read
    /// loop where the loop cannot take it.
    /// </summary>
    private Task StartReadinessReads(ReadinessLoop loop, Socket socket)
    {
        Interlocked.Exchange(ref _receiving, 1); // waiting for bytes, as a pending receive (TryLinger)
        _readinessLoop = loop;
        if (loop.Register(this, socket) == 0)
        {
            Volatile.Write(ref _receiving, 0);
            return RunSocketReadLoopAsync(socket);
        }

        if (IsClosing)
        {
            TryEndIdleReads(); // closed before it was registered: no event may ever come
        }

        return Task.CompletedTask;
    }

    /// <summary>From the loop's thread: the socket has something to read (or hung up).</summary>
    internal void OnReadable(int events)
    {
        if ((events & ReadinessLoop.HangUpEvents) != 0)
        {
            Volatile.Write(ref _hangUpSeen, 1);
        }

        while (true)
        {
            switch (Volatile.Read(ref _readsState))
            {
                case ReadsIdle:
                    if (Interlocked.CompareExchange(ref _readsState, ReadsRunning, ReadsIdle) == ReadsIdle)
                    {
                        RunReads(received: -1, drained: false);
                        return;
                    }

                    break;
                case ReadsRunning:
                    if (Interlocked.CompareExchange(ref _readsState, ReadsAgain, ReadsRunning) == ReadsRunning)
                    {
                        return;
                    }

                    break;
                default:
                    return; // the running reader receives again, or reads are over
            }
        }
    }

    /// <summary>
    /// The reader: receives until the socket is drained and parses each read. <paramref name="received"/> is a
    /// read already in the buffer (handed off from the loop's thread), -1 for none; <paramref name="drained"/>:
    /// that read was short (nothing more to receive until the next event).
    /// </summary>
    private void RunReads(int received, bool drained)
    {
        Socket socket = Socket!;
        try
        {
            while (true)
            {
                int n = received;
                received = -1;
                if (n < 0)
                {
                    if (!BeginReceive())
                    {
                        EndReads(); // closing: nothing more is read
                        return;
                    }

                    bool hangUp = Volatile.Read(ref _hangUpSeen) != 0;
                    Span<byte> into = _readsBuffer.GetMemory(MinimumReadSize).Span;
                    SocketError error = NonBlockingCalls.Receive(socket, into, out n);
                    if (error == SocketError.WouldBlock)
                    {
                        if (GoIdle())
                        {
                            return; // still "receiving" for TryLinger: waiting for bytes
                        }

                        continue;
                    }

                    EndReceive();
                    if (error != SocketError.Success)
                    {
                        EndReads();
                        CloseOffLoop(ClosedReason.ReadError); // nats-server's "Read Error": a reset leaves nothing to write to
                        return;
                    }

                    if (n == 0)
                    {
                        // The peer closed its sending half: as nats-server, what it was already answered is
                        // written before the close (by the write loop, on a worker).
                        NotePeerFin();
                        EndReads();
                        Close(ClosedReason.ClientClosed, flushFirst: true);
                        return;
                    }

                    // A short read drained the socket: anything later is a new event. Not trusted for a large read (a
                    // publisher's stream): what arrived while it was parsed is read on that worker, not after a trip
                    // through the loop's thread and the pool.
                    drained = n < into.Length && n < HandOffReadSize && !hangUp;
                    if ((n >= HandOffReadSize || ParsesOnWorker) && !Thread.CurrentThread.IsThreadPoolThread)
                    {
                        _handedOffBytes = n; // see HandOffReadSize; the state stays Running for the worker
                        _handedOffDrained = drained;
                        ThreadPool.UnsafeQueueUserWorkItem(static c => c.RunReads(c._handedOffBytes, c._handedOffDrained), this, preferLocal: false);
                        return;
                    }
                }

                _readsBuffer.Advance(n);
                ReadOnlySequence<byte> buffer = _readsBuffer.Unread;
                long unread = buffer.Length;
                if (!ParseRead(ref buffer))
                {
                    EndReads();
                    return;
                }

                _readsBuffer.Consume(unread - buffer.Length);
                if (PublishBatch is { HasBacklogged: true } batch)
                {
                    // Back-pressure: read on once they drain (the state stays Running meanwhile).
                    ValueTask wait = batch.WaitForBackloggedAsync();
                    if (!wait.IsCompleted)
                    {
                        wait.AsTask().ContinueWith(static (_, c) => ((Connection)c!).RunReads(-1, drained: false), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                        return;
                    }

                    wait.GetAwaiter().GetResult();
                }

                if (drained && GoIdle())
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            EndReads();
            Close(ClosedReason.ClientClosed); // the socket was closed under the receive
        }
        catch (Exception)
        {
            // Nothing else is expected; it must not end the loop's thread (every client's reads) or, on a
            // worker, the process. The connection cannot go on from a parse that broke off.
            EndReads();
            Close(ClosedReason.ReadError);
        }
    }

    /// <summary>Running to Idle: true; false when an event came meanwhile (the reader receives once more).</summary>
    private bool GoIdle()
    {
        if (Interlocked.CompareExchange(ref _readsState, ReadsIdle, ReadsRunning) != ReadsRunning)
        {
            Volatile.Write(ref _readsState, ReadsRunning); // was Again
            return false;
        }

        if (IsClosing)
        {
            TryEndIdleReads(); // a close that came while this reader ran found it running and left the end to it
        }

        return true;
    }

    /// <summary>The close, for a connection whose reads are idle: they end here (its buffer back, its slot free).</summary>
    private void TryEndIdleReads()
    {
        if (ReadinessToken != 0 && Interlocked.CompareExchange(ref _readsState, ReadsDone, ReadsIdle) == ReadsIdle)
        {
            EndReadsOnce();
        }
    }

    /// <summary>The reader stops for good.</summary>
    private void EndReads()
    {
        Volatile.Write(ref _readsState, ReadsDone);
        EndReadsOnce();
    }

    private void EndReadsOnce()
    {
        EndReceive();
        _readsBuffer.Release();
        _readinessLoop!.Unregister(ReadinessToken);
    }

    /// <summary>Closes on a worker when called on the loop's thread: a close unsubscribes and logs, which the loop's other sockets would wait for.</summary>
    private void CloseOffLoop(ClosedReason reason)
    {
        if (Thread.CurrentThread.IsThreadPoolThread)
        {
            Close(reason);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Connection.Close(s.Reason), (Connection: this, Reason: reason), preferLocal: false);
        }
    }
}
