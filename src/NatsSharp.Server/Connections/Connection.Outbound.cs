using System.Buffers;
using System.Buffers.Text;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The outbound side: many publishers append under a short lock into one buffer, and
/// one write loop swaps it out and writes it to the socket. Publishers signal the loop
/// once per read batch, so a burst of messages leaves in one large write.
/// </summary>
internal abstract partial class Connection
{
    private const int MinBuffer = 4096;
    private const int KeepBufferLimit = 64 * 1024; // larger buffers go back to the pool when drained
    private const int PoolLimit = 1024 * 1024; // larger ones (64 KiB messages piling up) are not pooled at all

    private readonly FlushSignal _flushSignal = new();
    private CancellationTokenSource _writeTimeout = new();
    private byte[] _active = [];
    private int _activeLength;
    private byte[] _spare = [];
    private int _inFlight;

    protected object OutboundLock { get; } = new();

    /// <summary>Bytes queued or being written, for monitoring and the slow consumer check.</summary>
    public long PendingBytes
    {
        get
        {
            lock (OutboundLock)
            {
                return _activeLength + _inFlight;
            }
        }
    }

    /// <summary>Set when an append found the buffer over max_pending; the caller closes the connection.</summary>
    public override bool IsSlowConsumer => _slowConsumer;

    private bool _slowConsumer;
    private bool _sealed; // nothing more is queued: what is already there is flushed, then the close
    private TaskCompletionSource? _backlog; // over half of max_pending; completed when drained below (or closed)
    private long _written;

    /// <summary>
    /// While a publisher waits on the backlog, the buffer is written in chunks of this size so progress
    /// (and the backlog's end) shows while it drains; otherwise it goes out in one write.
    /// </summary>
    private const int WriteChunk = 64 * 1024;

    public override Task? Backlog => Volatile.Read(ref _backlog)?.Task;

    public override long Written => Interlocked.Read(ref _written);

    /// <summary>Wakes the write loop; cheap to call more than once.</summary>
    public override void SignalFlush() => _flushSignal.Set();

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
            if (!Reserve(data.Length))
            {
                return false;
            }

            data.CopyTo(_active.AsSpan(_activeLength));
            _activeLength += data.Length;
            return true;
        }
    }

    /// <summary>
    /// Queues one MSG (or HMSG when <paramref name="headerSize"/> &gt; 0 and the peer takes headers).
    /// False when the connection is closed or has just become a slow consumer.
    /// </summary>
    public override bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders)
    {
        if (headerSize > 0 && !withHeaders)
        {
            message = message[headerSize..]; // strip the header block for old clients
            headerSize = 0;
        }

        // "HMSG " + subject + " " + sid + " " + [reply + " "] + [hdr + " "] + total + "\r\n" + message + "\r\n"
        int needed = 5 + subject.Length + 1 + sid.Length + 1 + (reply.IsEmpty ? 0 : reply.Length + 1) + 11 + 11 + 2 + message.Length + 2;
        lock (OutboundLock)
        {
            if (!Reserve(needed))
            {
                return false;
            }

            Span<byte> dst = _active.AsSpan(_activeLength);
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

            n = WriteSizesAndBody(dst, n, headerSize, message);
            _activeLength += n;
            OutMsgs++;
            OutBytes += message.Length;
            return true;
        }
    }

    /// <summary>
    /// Queues one routed message: <c>RMSG account subject [reply | + reply q.. | "|" q..] size</c>,
    /// or <c>HMSG account subject ... hdr total</c> when it has headers and the peer takes them.
    /// With no account (leafnodes): <c>LMSG subject ... size</c> / <c>HMSG subject ... hdr total</c>.
    /// </summary>
    public bool EnqueueRoutedMessage(string? account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        if (headerSize > 0 && !TakesHeaders)
        {
            message = message[headerSize..];
            headerSize = 0;
        }

        int queueBytes = 0;
        foreach (byte[] q in queues)
        {
            queueBytes += q.Length + 1;
        }

        int needed = 5 + (account?.Length ?? 0) + 1 + subject.Length + 1 + 2 + reply.Length + 1 + queueBytes + 11 + 11 + 2 + message.Length + 2;
        lock (OutboundLock)
        {
            if (!Reserve(needed))
            {
                return false;
            }

            Span<byte> dst = _active.AsSpan(_activeLength);
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

            n = WriteSizesAndBody(dst, n, headerSize, message);
            _activeLength += n;
            OutMsgs++;
            OutBytes += message.Length;
            return true;
        }
    }

    /// <summary>The end every message frame shares: <c>[hdr ]total\r\n</c>, the message, <c>\r\n</c>.</summary>
    private static int WriteSizesAndBody(Span<byte> dst, int n, int headerSize, ReadOnlySpan<byte> message)
    {
        if (headerSize > 0)
        {
            Utf8Formatter.TryFormat(headerSize, dst[n..], out int hw);
            n += hw;
            dst[n++] = (byte)' ';
        }

        Utf8Formatter.TryFormat(message.Length, dst[n..], out int w);
        n += w;
        dst[n++] = (byte)'\r';
        dst[n++] = (byte)'\n';
        message.CopyTo(dst[n..]);
        n += message.Length;
        dst[n++] = (byte)'\r';
        dst[n++] = (byte)'\n';
        return n;
    }

    /// <summary>Makes room for <paramref name="needed"/> more bytes, enforcing max_pending. Caller holds the lock.</summary>
    private bool Reserve(int needed)
    {
        if (_sealed || Volatile.Read(ref _closeState) == Closed)
        {
            return false;
        }

        if ((long)_activeLength + _inFlight + needed > MaxPending)
        {
            _slowConsumer = true;
            return false;
        }

        if (_backlog is null && (long)_activeLength + _inFlight + needed > MaxPending / 2)
        {
            Volatile.Write(ref _backlog, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        if (_active.Length - _activeLength >= needed)
        {
            return true;
        }

        int size = Math.Max(MinBuffer, Math.Max(_active.Length * 2, _activeLength + needed));
        byte[] grown = ArrayPool<byte>.Shared.Rent(size);
        _active.AsSpan(0, _activeLength).CopyTo(grown);
        ReturnBuffer(_active);
        _active = grown;
        return true;
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
            _writeTimeout.Dispose(); // the loop was its only user; a pending deadline timer goes with it
        }
    }

    /// <summary>Writes until the buffer is empty. False once the connection is closed.</summary>
    private async ValueTask<bool> DrainAsync()
    {
        while (true)
        {
            byte[] sending;
            int length;
            lock (OutboundLock)
            {
                if (Volatile.Read(ref _closeState) == Closed)
                {
                    return false;
                }

                if (_activeLength == 0)
                {
                    return true;
                }

                sending = _active;
                length = _activeLength;
                _active = _spare;
                _activeLength = 0;
                _spare = [];
                _inFlight = length;
            }

            for (int offset = 0, chunk; offset < length; offset += chunk)
            {
                chunk = Volatile.Read(ref _backlog) is null ? length - offset : Math.Min(WriteChunk, length - offset);
                if (!await WriteWithDeadlineAsync(sending, offset, chunk).ConfigureAwait(false))
                {
                    ReturnBuffer(sending);
                    return false;
                }

                TaskCompletionSource? drained = null;
                lock (OutboundLock)
                {
                    _inFlight -= chunk;
                    Interlocked.Add(ref _written, chunk);
                    if (_backlog is not null && (long)_activeLength + _inFlight <= MaxPending / 2)
                    {
                        drained = _backlog;
                        Volatile.Write(ref _backlog, null);
                        Stuck = false;
                    }
                }

                drained?.TrySetResult();
            }

            lock (OutboundLock)
            {
                _inFlight = 0;
                if (Volatile.Read(ref _closeState) != Closed && _spare.Length == 0 && sending.Length <= KeepBufferLimit)
                {
                    _spare = sending;
                    sending = [];
                }
            }

            ReturnBuffer(sending);
        }
    }

    /// <summary>Writes one chunk; false (and the connection closed) on a deadline or error. The caller returns the buffer.</summary>
    private async ValueTask<bool> WriteWithDeadlineAsync(byte[] buffer, int offset, int length)
    {
        Stream stream = Stream!;
        _writeTimeout.CancelAfter(WriteDeadline);
        try
        {
            await stream.WriteAsync(buffer.AsMemory(offset, length), _writeTimeout.Token).ConfigureAwait(false);
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

        if (!_writeTimeout.TryReset())
        {
            // The deadline fired just as the write completed: the write made it, but the
            // token source is spent and must be replaced.
            _writeTimeout.Dispose();
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
            int length = _activeLength;
            _activeLength = 0;
            return length;
        }
    }

    /// <summary>Caller holds the lock and has marked the connection closed.</summary>
    private void ReleaseOutbound()
    {
        _backlog?.TrySetResult(); // nobody waits for a closed connection
        _backlog = null;
        ReturnBuffer(_active);
        ReturnBuffer(_spare);
        _active = [];
        _spare = [];
        _activeLength = 0;
    }

    private static void ReturnBuffer(byte[] buffer)
    {
        if (buffer.Length > PoolLimit)
        {
            IdleTrim.Note(); // a burst: left to the GC, not kept in the shared pool for good
        }
        else if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
