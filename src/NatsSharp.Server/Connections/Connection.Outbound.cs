using System.Buffers;
using System.Buffers.Text;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The outbound side: many publishers append under a short lock into a queue of chunks, and
/// one write loop takes them and writes them to the socket. Publishers signal the loop
/// once per read batch, so a burst of messages leaves in a few large writes. A full chunk is
/// queued as it is and a new one started (never grown and copied): chunks start small
/// (4 KB, an idle or quiet connection holds little) and double up to 64 KB.
/// </summary>
internal abstract partial class Connection
{
    private const int MinBuffer = 4096;
    private const int MaxChunk = 64 * 1024; // chunks stop doubling here; a frame larger than this spans chunks
    private const int KeepBufferLimit = 64 * 1024; // the one chunk kept for the next batch is at most this
    private const int PoolLimit = 1024 * 1024; // larger ones are not pooled at all
    private const int InlineFlushLimit = 1024; // a read that queued at most this for an idle writer writes it itself

    private readonly FlushSignal _flushSignal = new();
    private CancellationTokenSource? _writeTimeout; // made by the first write that has to wait for the socket
    private bool _sendsInline; // a plain client socket whose asynchronous sends complete on .NET's epoll thread
    private bool _sendsDirect; // a plain socket: a small write is first tried with one send that does not wait (SendDirectly)
    private const int DirectSendLimit = MinBuffer; // larger writes (a subscriber's bursts) keep the asynchronous send
    private byte[] _active = [];
    private int _activeLength;
    private List<Chunk>? _full; // chunks filled before _active, oldest first
    private List<Chunk>? _sending; // the write loop's: what it took from _full, swapped back empty
    private long _fullBytes;
    private byte[] _spare = [];
    private long _inFlight;
    private int _idleTick; // IdleTrim's tick when the write loop last went idle (under the lock)
    private bool _trimListed; // listed with IdleTrim to give its buffers back once idle (under the lock)

    /// <summary>A filled chunk waiting for the write loop.</summary>
    private readonly record struct Chunk(byte[] Buffer, int Length);

    protected Lock OutboundLock { get; } = new();

    /// <summary>Bytes queued or being written, for monitoring and the slow consumer check.</summary>
    public long PendingBytes
    {
        get
        {
            lock (OutboundLock)
            {
                return _fullBytes + _activeLength + _inFlight;
            }
        }
    }

    /// <summary>Set when an append found the buffer over max_pending; the caller closes the connection.</summary>
    public override bool IsSlowConsumer => _slowConsumer;

    private bool _slowConsumer;
    private bool _sealed; // nothing more is queued: what is already there is flushed, then the close
    private TaskCompletionSource? _backlog; // over half of max_pending; completed when drained below (or closed)
    private long _written;

    public override Task? Backlog => Volatile.Read(ref _backlog)?.Task;

    public override long Written => Interlocked.Read(ref _written);

    /// <summary>Wakes the write loop; cheap to call more than once.</summary>
    public override void SignalFlush() => _flushSignal.Set();

    /// <summary>
    /// When a read queued little (a request, a reply) and the write loop is idle, the write loop runs
    /// on this thread and writes it now: one send, no hand-off to a thread-pool worker, which on this
    /// path costs more than the send (docs/benchmarks.md, request/reply). More than that (a publisher's
    /// burst) goes to the write loop as before, which coalesces the reads that arrive while it writes.
    /// </summary>
    public override void FlushAfterRead()
    {
        if (Volatile.Read(ref _activeLength) > InlineFlushLimit || Volatile.Read(ref _fullBytes) != 0 || !_flushSignal.TrySetInline())
        {
            _flushSignal.Set();
        }
    }

    private void WakeWriter() => _flushSignal.Set();

    /// <summary>
    /// From now on nothing more is queued (as nats-server's closed connection, which still
    /// processes the rest of its read but writes nothing); what is queued already is written.
    /// </summary>
    protected void SealOutbound()
    {
        lock (OutboundLock)
        {
            _sealed = true;
        }
    }

    /// <summary>Queues protocol bytes (INFO, PONG, +OK, -ERR). False if the connection is closed or slow.</summary>
    public bool EnqueueProtocol(ReadOnlySpan<byte> data)
    {
        lock (OutboundLock)
        {
            if (!Admit(data.Length))
            {
                return false;
            }

            AppendSpanning(data);
            return true;
        }
    }

    /// <summary>
    /// Queues one MSG (or HMSG when <paramref name="headerSize"/> &gt; 0 and the peer takes headers).
    /// False when the connection is closed or has just become a slow consumer.
    /// </summary>
    public override bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders)
    {
        StripHeadersUnless(withHeaders, ref headerSize, ref message);
        int line = MessageLineBound(subject.Length, sid.Length, reply.Length);
        int needed = line + message.Length + 2;
        lock (OutboundLock)
        {
            if (!Admit(needed))
            {
                return false;
            }

            if (needed <= MaxChunk || line > MaxChunk)
            {
                Span<byte> dst = Contiguous(needed);
                int n = WriteMsgLine(dst, subject, sid, reply, headerSize, message.Length);
                n = WriteBody(dst, n, message);
                _activeLength += n;
            }
            else
            {
                // A large message: the line goes where it fits, the payload spans chunks.
                int n = WriteMsgLine(Contiguous(line), subject, sid, reply, headerSize, message.Length);
                _activeLength += n;
                AppendSpanning(message);
                AppendSpanning("\r\n"u8);
            }

            OutMsgs++;
            OutBytes += message.Length;
            return true;
        }
    }

    /// <summary>For a peer that does not take headers (an old client): the message without its header block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StripHeadersUnless(bool takesHeaders, ref int headerSize, ref ReadOnlySpan<byte> message)
    {
        if (headerSize > 0 && !takesHeaders)
        {
            message = message[headerSize..];
            headerSize = 0;
        }
    }

    /// <summary>The longest a MSG/HMSG control line with these lengths can be.</summary>
    // "HMSG " + subject + " " + sid + " " + [reply + " "] + [hdr + " "] + total + "\r\n"
    internal static int MessageLineBound(int subject, int sid, int reply) =>
        5 + subject + 1 + sid + 1 + (reply == 0 ? 0 : reply + 1) + 11 + 11 + 2;

    /// <summary>
    /// Writes one whole MSG/HMSG frame into <paramref name="dst"/> (room for <see cref="MessageLineBound"/> plus the
    /// message and 2), for a publisher that formats it before taking the lock (<see cref="DeliveryStaging"/>).
    /// The caller has already stripped the headers for a client that does not take them.
    /// </summary>
    /// <remarks>
    /// <paramref name="sizes"/> is the line's end, <c>[hdr ]total\r\n</c> (<see cref="FormatSizes"/>): formatted once for the
    /// run of frames with the same sizes (a fan-out's copies of one message, a publisher's same-size messages).
    /// </remarks>
    internal static int FormatMessage(Span<byte> dst, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> sizes, ReadOnlySpan<byte> message)
    {
        int n = WriteMsgHead(dst, subject, sid, reply, headerSize);
        sizes.CopyTo(dst[n..]);
        return WriteBody(dst, n + sizes.Length, message);
    }

    /// <summary>The end of a control line, <c>[hdr ]total\r\n</c>, into <paramref name="dst"/> (at least 24 bytes).</summary>
    internal static int FormatSizes(Span<byte> dst, int headerSize, int total) => WriteSizes(dst, 0, headerSize, total);

    // Gives every connection a place in one order, in which a publisher takes several of their locks at once.
    private static long _lockOrders;

    /// <summary>
    /// Unique in the process: a publisher holding several connections' outbound locks at once (the staged commit of
    /// <see cref="DeliveryStaging"/>) takes them in this order, so two publishers never wait for each other.
    /// </summary>
    internal long LockOrder { get; } = Interlocked.Increment(ref _lockOrders);

    /// <summary>Takes the outbound lock for <see cref="AppendStaged"/>. Held briefly, and with no other lock taken inside it.</summary>
    internal void EnterOutbound() => OutboundLock.Enter();

    internal void ExitOutbound() => OutboundLock.Exit();

    /// <summary>
    /// Queues MSG frames one publisher formatted without the lock (<see cref="FormatMessage"/>); the caller holds the
    /// lock (<see cref="EnterOutbound"/>), with those of the other connections it staged for. <paramref name="ends"/>[i]
    /// is where frame i ends in <paramref name="frames"/> and <paramref name="payloads"/>[i] the message bytes of frames
    /// 0..i. As one by one, the frames are admitted in order up to max_pending (the rest then make the connection a
    /// slow consumer); returns how many were queued.
    /// </summary>
    internal int AppendStaged(ReadOnlySpan<byte> frames, ReadOnlySpan<int> ends, ReadOnlySpan<int> payloads)
    {
        int count = ends.Length;
        int bytes = frames.Length;
        if (!Admit(bytes))
        {
            if (!_slowConsumer || _sealed || Volatile.Read(ref _closeState) == Closed)
            {
                return 0;
            }

            long room = MaxPending - (_fullBytes + _activeLength + _inFlight);
            count = 0;
            while (count < ends.Length && ends[count] <= room)
            {
                count++;
            }

            if (count == 0 || !Admit(ends[count - 1]))
            {
                return 0;
            }

            bytes = ends[count - 1];
        }

        AppendSpanning(frames[..bytes]);
        OutMsgs += count;
        OutBytes += payloads[count - 1];
        return count;
    }

    /// <summary>The control line of a MSG/HMSG: <c>MSG subject sid [reply] [hdr ]total\r\n</c>.</summary>
    private static int WriteMsgLine(Span<byte> dst, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, int total) =>
        WriteSizes(dst, WriteMsgHead(dst, subject, sid, reply, headerSize), headerSize, total);

    /// <summary>A MSG/HMSG control line up to its sizes: <c>MSG subject sid [reply ]</c>.</summary>
    private static int WriteMsgHead(Span<byte> dst, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize)
    {
        int n;
        if (headerSize > 0)
        {
            "HMSG "u8.CopyTo(dst);
            n = 5;
        }
        else
        {
            "MSG "u8.CopyTo(dst);
            n = 4;
        }

        subject.CopyTo(dst[n..]);
        n += subject.Length;
        dst[n++] = (byte)' ';
        sid.CopyTo(dst[n..]);
        n += sid.Length;
        dst[n++] = (byte)' ';
        if (!reply.IsEmpty)
        {
            reply.CopyTo(dst[n..]);
            n += reply.Length;
            dst[n++] = (byte)' ';
        }

        return n;
    }

    /// <summary>
    /// Queues one routed message: <c>RMSG account subject [reply | + reply q.. | "|" q..] size</c>,
    /// or <c>HMSG account subject ... hdr total</c> when it has headers and the peer takes them.
    /// With no account (leafnodes): <c>LMSG subject ... size</c> / <c>HMSG subject ... hdr total</c>.
    /// </summary>
    public bool EnqueueRoutedMessage(string? account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        StripHeadersUnless(TakesHeaders, ref headerSize, ref message);
        int line = RoutedLineBound(account, subject.Length, reply.Length, queues);
        int needed = line + message.Length + 2;
        lock (OutboundLock)
        {
            if (!Admit(needed))
            {
                return false;
            }

            if (needed <= MaxChunk || line > MaxChunk)
            {
                Span<byte> dst = Contiguous(needed);
                int n = WriteRoutedLine(dst, account, subject, reply, queues, headerSize, message.Length);
                n = WriteBody(dst, n, message);
                _activeLength += n;
            }
            else
            {
                int n = WriteRoutedLine(Contiguous(line), account, subject, reply, queues, headerSize, message.Length);
                _activeLength += n;
                AppendSpanning(message);
                AppendSpanning("\r\n"u8);
            }

            OutMsgs++;
            OutBytes += message.Length;
            return true;
        }
    }

    /// <summary>The longest an RMSG/LMSG/HMSG control line with these arguments can be.</summary>
    internal static int RoutedLineBound(string? account, int subject, int reply, List<byte[]> queues)
    {
        int queueBytes = 0;
        for (int i = 0; i < queues.Count; i++) // not foreach: the list's enumerator was a call per message, for an empty list mostly
        {
            queueBytes += queues[i].Length + 1;
        }

        return 5 + (account?.Length ?? 0) + 1 + subject + 1 + 2 + reply + 1 + queueBytes + 11 + 11 + 2;
    }

    /// <summary>
    /// Writes one whole routed frame into <paramref name="dst"/> (room for <see cref="RoutedLineBound"/> plus the message
    /// and 2), for a publisher that formats it before taking the lock (<see cref="DeliveryStaging"/>). The caller has
    /// already stripped the headers for a peer that does not take them.
    /// </summary>
    /// <remarks><paramref name="sizes"/> is the line's end, as for <see cref="FormatMessage"/>.</remarks>
    internal static int FormatRoutedMessage(Span<byte> dst, string? account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> sizes, ReadOnlySpan<byte> message)
    {
        int n = WriteRoutedHead(dst, account, subject, reply, queues, headerSize);
        sizes.CopyTo(dst[n..]);
        return WriteBody(dst, n + sizes.Length, message);
    }

    private static int WriteRoutedLine(Span<byte> dst, string? account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, int total) =>
        WriteSizes(dst, WriteRoutedHead(dst, account, subject, reply, queues, headerSize), headerSize, total);

    /// <summary>A routed control line up to its sizes: <c>RMSG account subject [reply | + reply q.. | "|" q..] </c>.</summary>
    private static int WriteRoutedHead(Span<byte> dst, string? account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize)
    {
        ReadOnlySpan<byte> verb = headerSize > 0 ? "HMSG "u8 : account is null ? "LMSG "u8 : "RMSG "u8;
        verb.CopyTo(dst);
        int n = verb.Length;
        if (account is not null)
        {
            n += System.Text.Encoding.ASCII.GetBytes(account, dst[n..]);
            dst[n++] = (byte)' ';
        }

        subject.CopyTo(dst[n..]);
        n += subject.Length;
        dst[n++] = (byte)' ';
        if (queues.Count > 0)
        {
            if (reply.IsEmpty)
            {
                dst[n++] = (byte)'|';
            }
            else
            {
                dst[n++] = (byte)'+';
                dst[n++] = (byte)' ';
                reply.CopyTo(dst[n..]);
                n += reply.Length;
            }

            dst[n++] = (byte)' ';
            foreach (byte[] q in queues)
            {
                q.CopyTo(dst[n..]);
                n += q.Length;
                dst[n++] = (byte)' ';
            }
        }
        else if (!reply.IsEmpty)
        {
            reply.CopyTo(dst[n..]);
            n += reply.Length;
            dst[n++] = (byte)' ';
        }

        return n;
    }

    /// <summary>The end of every control line: <c>[hdr ]total\r\n</c>.</summary>
    private static int WriteSizes(Span<byte> dst, int n, int headerSize, int total)
    {
        if (headerSize > 0)
        {
            Utf8Formatter.TryFormat(headerSize, dst[n..], out int hw);
            n += hw;
            dst[n++] = (byte)' ';
        }

        Utf8Formatter.TryFormat(total, dst[n..], out int w);
        n += w;
        dst[n++] = (byte)'\r';
        dst[n++] = (byte)'\n';
        return n;
    }

    /// <summary>The message and its closing <c>\r\n</c>.</summary>
    private static int WriteBody(Span<byte> dst, int n, ReadOnlySpan<byte> message)
    {
        message.CopyTo(dst[n..]);
        n += message.Length;
        dst[n++] = (byte)'\r';
        dst[n++] = (byte)'\n';
        return n;
    }

    /// <summary>
    /// Whether <paramref name="needed"/> more bytes may be queued, enforcing max_pending (and noting the
    /// backlog a publisher waits on). Caller holds the lock.
    /// </summary>
    private bool Admit(int needed)
    {
        if (_sealed || Volatile.Read(ref _closeState) == Closed)
        {
            return false;
        }

        long queued = _fullBytes + _activeLength + _inFlight + needed;
        if (queued > MaxPending)
        {
            _slowConsumer = true;
            return false;
        }

        if (_backlog is null && queued > MaxPending / 2)
        {
            Volatile.Write(ref _backlog, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        return true;
    }

    /// <summary>
    /// <paramref name="needed"/> contiguous free bytes at the end of the active chunk; when they are not
    /// there the active chunk is queued as it is and a new one started (nothing is copied). Caller holds the lock.
    /// </summary>
    private Span<byte> Contiguous(int needed)
    {
        if (_active.Length - _activeLength < needed)
        {
            NextChunk(needed);
        }

        return _active.AsSpan(_activeLength);
    }

    /// <summary>Appends <paramref name="data"/>, filling the active chunk and starting new ones as needed. Caller holds the lock.</summary>
    private void AppendSpanning(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int room = _active.Length - _activeLength;
            if (room == 0)
            {
                NextChunk(Math.Min(data.Length, MaxChunk));
                room = _active.Length - _activeLength;
            }

            int n = Math.Min(room, data.Length);
            data[..n].CopyTo(_active.AsSpan(_activeLength));
            _activeLength += n;
            data = data[n..];
        }
    }

    /// <summary>Queues the active chunk (if it holds anything) and starts one with room for at least <paramref name="needed"/> bytes.</summary>
    private void NextChunk(int needed)
    {
        int size = Math.Max(needed, Math.Clamp(_active.Length * 2, MinBuffer, MaxChunk));
        if (_activeLength > 0)
        {
            (_full ??= []).Add(new Chunk(_active, _activeLength));
            _fullBytes += _activeLength;
        }
        else
        {
            ReturnBuffer(_active);
        }

        // Sizes over 32 KB get a 64 KB array from either pool; the chunk pool keeps more of them.
        _active = size > OutboundChunkPool.ChunkSize / 2 && size <= OutboundChunkPool.ChunkSize ? OutboundChunkPool.Rent() : ArrayPool<byte>.Shared.Rent(size);
        _activeLength = 0;
    }

    /// <summary>The write loop: one per connection, for its whole life.</summary>
    protected async Task RunWriteLoopAsync()
    {
        try
        {
            while (true)
            {
                await _flushSignal.WaitAsync().ConfigureAwait(false);
                if (!await DrainAsync().ConfigureAwait(false))
                {
                    return; // closed, or the write failed and closed it
                }

                if (Volatile.Read(ref _closeState) == Closing)
                {
                    FinishClose(); // everything queued before the close has been written
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Close(ClosedReason.WriteError);
        }
        finally
        {
            _writeTimeout?.Dispose(); // the loop was its only user; a pending deadline timer goes with it
        }
    }

    /// <summary>Writes until nothing is queued. False once the connection is closed.</summary>
    private async ValueTask<bool> DrainAsync()
    {
        while (true)
        {
            List<Chunk>? many = null;
            Chunk last = default;
            lock (OutboundLock)
            {
                if (Volatile.Read(ref _closeState) == Closed)
                {
                    return false;
                }

                if (_fullBytes == 0 && _activeLength == 0)
                {
                    GoingIdle();
                    return true;
                }

                if (_fullBytes > 0)
                {
                    many = _full;
                    _full = _sending; // the list the last burst used, empty (null until one was needed)
                    _sending = null;
                }

                if (_activeLength > 0)
                {
                    last = new Chunk(_active, _activeLength);
                    _active = _spare;
                    _spare = [];
                    _activeLength = 0;
                }

                _inFlight = _fullBytes + last.Length;
                _fullBytes = 0;
            }

            bool ok = true;
            if (many is not null)
            {
                foreach (Chunk chunk in many)
                {
                    ok = ok && await WriteChunkAsync(chunk).ConfigureAwait(false);
                    ReturnBuffer(chunk.Buffer);
                }

                many.Clear();
                _sending = many;
            }

            if (last.Buffer is not null)
            {
                ok = ok && await WriteChunkAsync(last).ConfigureAwait(false);
                byte[] done = last.Buffer;
                lock (OutboundLock)
                {
                    // The smallest size is not kept: the pool hands one back as cheaply, and an idle
                    // client (its PONG written) then holds no outbound buffer at all.
                    if (ok && Volatile.Read(ref _closeState) != Closed && _spare.Length == 0 && done.Length > MinBuffer && done.Length <= KeepBufferLimit)
                    {
                        _spare = done; // the next batch starts in it
                        done = [];
                    }
                }

                ReturnBuffer(done);
            }

            if (!ok)
            {
                return false;
            }

            lock (OutboundLock)
            {
                _inFlight = 0;
            }
        }
    }

    /// <summary>
    /// The write loop found nothing more to write: a connection that keeps buffers for its next batch
    /// (a busy one's, over the smallest size) is listed with <see cref="IdleTrim"/>, which gives them
    /// back once it has stayed idle for a whole tick. Caller holds the lock.
    /// </summary>
    private void GoingIdle()
    {
        _idleTick = IdleTrim.CurrentTick;
        if (!_trimListed && (_active.Length > 0 || _spare.Length > 0))
        {
            _trimListed = true;
            IdleTrim.List(this);
        }
    }

    /// <summary>Outbound buffers held while nothing is queued (the active chunk and the spare), for tests.</summary>
    internal int HeldOutboundBytes
    {
        get
        {
            lock (OutboundLock)
            {
                return _active.Length + _spare.Length;
            }
        }
    }

    /// <summary>The <see cref="IdleTrim"/> tick at which the write loop last went idle, for tests.</summary>
    internal int IdleSinceTick
    {
        get
        {
            lock (OutboundLock)
            {
                return _idleTick;
            }
        }
    }

    /// <summary>
    /// From <see cref="IdleTrim"/>'s tick: when the write loop has not run since before the last tick, its
    /// kept buffers go back to the pool and true (no longer listed); false while it is still busy (listed on).
    /// </summary>
    internal bool TrimIdleOutbound(int tick, out bool released)
    {
        released = false;
        lock (OutboundLock)
        {
            if (Volatile.Read(ref _closeState) != Closed && (_inFlight != 0 || _fullBytes != 0 || _activeLength != 0 || tick - _idleTick < 2))
            {
                return false;
            }

            _trimListed = false;
            if (Volatile.Read(ref _closeState) == Closed)
            {
                return true; // the close gave everything back
            }

            released = _active.Length > 0 || _spare.Length > 0;
            ReturnBuffer(_active);
            ReturnBuffer(_spare);
            _active = [];
            _spare = [];
            if (_full is { Count: 0 })
            {
                _full = null;
            }

            return true;
        }
    }

    /// <summary>Writes one chunk and counts it out of what is in flight (ending a backlog that drained). False (and closed) on failure.</summary>
    private async ValueTask<bool> WriteChunkAsync(Chunk chunk)
    {
        if (!await WriteWithDeadlineAsync(chunk.Buffer, 0, chunk.Length).ConfigureAwait(false))
        {
            return false;
        }

        TaskCompletionSource? drained = null;
        lock (OutboundLock)
        {
            _inFlight -= chunk.Length;
            Interlocked.Add(ref _written, chunk.Length);
            if (_backlog is not null && _fullBytes + _activeLength + _inFlight <= MaxPending / 2)
            {
                drained = _backlog;
                Volatile.Write(ref _backlog, null);
                Stuck = false;
            }
        }

        drained?.TrySetResult();
        return true;
    }

    /// <summary>
    /// From now on the write loop tries each small write (up to <see cref="DirectSendLimit"/>: a PONG, +OK, a
    /// reply) with one send that does not wait first: what the socket takes at once needs no asynchronous send,
    /// no deadline timer and no awaitable per connection (in a connection storm, its PONG). What it does not take,
    /// and larger writes, go the asynchronous way under the write deadline, as before. Plain sockets only (a TLS
    /// or websocket stream frames what it writes); call before the write loop first writes. The sends are
    /// <see cref="NonBlockingCalls"/>'s (on Linux the socket stays in blocking mode).
    /// </summary>
    protected void SendDirectly()
    {
        if (Socket is { } socket && Stream is NetworkStream)
        {
            try
            {
                NonBlockingCalls.Prepare(socket);
                _sendsDirect = true;
            }
            catch (ObjectDisposedException)
            {
                // closed meanwhile: nothing more is written
            }
        }
    }

    /// <summary>
    /// One send that does not wait, on a plain socket: the bytes it took (0 when it is full), or -1 with the
    /// connection closed as the asynchronous send's failure closes it (a socket disposed meanwhile counts as that too).
    /// </summary>
    protected int SendNow(ReadOnlySpan<byte> data)
    {
        int sent;
        try
        {
            sent = NonBlockingCalls.Send(Socket!, data);
        }
        catch (ObjectDisposedException)
        {
            sent = -1;
        }

        if (sent < 0)
        {
            Close(IsClosing ? Reason : ClosedReason.WriteError);
            return -1;
        }

        return sent;
    }

    /// <summary>Writes bytes; false (and the connection closed) on a deadline or error. The caller returns the buffer.</summary>
    private async ValueTask<bool> WriteWithDeadlineAsync(byte[] buffer, int offset, int length)
    {
        if (_sendsDirect && length <= DirectSendLimit)
        {
            int sent = SendNow(buffer.AsSpan(offset, length));
            if (sent < 0)
            {
                return false;
            }

            if (sent == length)
            {
                return true;
            }

            offset += sent; // the socket is full: the rest waits for room, under the deadline
            length -= sent;
        }

        Stream stream = Stream!;
        CancellationTokenSource timeout = _writeTimeout ??= new CancellationTokenSource();
        timeout.CancelAfter(WriteDeadline);
        if (_sendsDirect && !_sendsInline)
        {
            // The first asynchronous send of a plain client socket (read by the ReadinessLoop, whose socket has no
            // asynchronous context until now): its completions run on .NET's epoll thread, as a socket read by
            // .NET's engine has them once past CONNECT, so the drain goes on with one hop to a worker (below), not two.
            _sendsInline = true;
            SocketCompletions.PreferInline(Socket!);
        }

        try
        {
            ValueTask write = stream.WriteAsync(buffer.AsMemory(offset, length), timeout.Token);
            bool waited = !write.IsCompleted;
            await write.ConfigureAwait(false);
            if (waited)
            {
                // The socket was full. With inline completions (SocketCompletions, or the process-wide
                // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1) the epoll thread completed the send: the rest
                // of the drain goes to a worker, so the reads of that thread's other sockets do not wait for it.
                await Task.Yield();
            }
        }
        catch (OperationCanceledException)
        {
            OnWriteDeadlineExceeded((int)Math.Min(int.MaxValue, PendingBytes));
            Close(ClosedReason.SlowConsumerWriteDeadline);
            return false;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            Close(IsClosing ? Reason : ClosedReason.WriteError);
            return false;
        }

        if (!timeout.TryReset())
        {
            // The deadline fired just as the write completed: the write made it, but the
            // token source is spent and must be replaced.
            timeout.Dispose();
            _writeTimeout = new CancellationTokenSource();
        }

        return true;
    }

    /// <summary>Logs and counts a write-deadline slow consumer (the subclass knows how).</summary>
    protected virtual void OnWriteDeadlineExceeded(int pendingBytes)
    {
    }

    /// <summary>Drops what is queued: for benchmarks that drive a connection without a socket.</summary>
    internal int DiscardPendingOutbound()
    {
        lock (OutboundLock)
        {
            int length = (int)_fullBytes + _activeLength;
            DropFull();
            _activeLength = 0;
            return length;
        }
    }

    /// <summary>A copy of what is queued, in order: for tests that drive a connection without a socket.</summary>
    internal byte[] PendingOutboundCopy()
    {
        lock (OutboundLock)
        {
            var copy = new List<byte>();
            foreach (Chunk chunk in _full ?? [])
            {
                copy.AddRange(chunk.Buffer.AsSpan(0, chunk.Length));
            }

            copy.AddRange(_active.AsSpan(0, _activeLength));
            return [.. copy];
        }
    }

    /// <summary>Caller holds the lock and has marked the connection closed.</summary>
    private void ReleaseOutbound()
    {
        _backlog?.TrySetResult(); // nobody waits for a closed connection
        _backlog = null;
        DropFull();
        ReturnBuffer(_active);
        ReturnBuffer(_spare);
        _active = [];
        _spare = [];
        _activeLength = 0;
    }

    /// <summary>Returns the queued full chunks to the pool. Caller holds the lock.</summary>
    private void DropFull()
    {
        if (_full is not null)
        {
            foreach (Chunk chunk in _full)
            {
                ReturnBuffer(chunk.Buffer);
            }

            _full.Clear();
        }

        _fullBytes = 0;
    }

    private static void ReturnBuffer(byte[] buffer)
    {
        if (buffer.Length > PoolLimit)
        {
            IdleTrim.Note(); // a burst: left to the GC, not kept in the shared pool for good
        }
        else if (buffer.Length == OutboundChunkPool.ChunkSize)
        {
            OutboundChunkPool.Return(buffer);
        }
        else if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
