using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The inbound side every kind of connection shares: one read loop (over an InboundBuffer for a plain
/// socket, a PipeReader for a stream) that
/// hands each read to the subclass's parser and keeps whatever partial command is left.
/// </summary>
internal abstract partial class Connection
{
    /// <summary>
    /// Handles every complete command in one read; what is left in <paramref name="buffer"/> is
    /// partial. Connections without a socket (test doubles, permission owners) never read.
    /// </summary>
    internal virtual ParseStatus ProcessBuffer(ref ReadOnlySequence<byte> buffer) => ParseStatus.Stopped;

    /// <summary>Parses what one read brought; false when the connection stops reading (closed or stopped).</summary>
    private bool ParseRead(ref ReadOnlySequence<byte> buffer)
    {
        StampActivity(); // once per read, for last_activity in monitoring
        ParseStatus status = ProcessBuffer(ref buffer);
        if (status == ParseStatus.Error)
        {
            OnParseError();
        }

        if (_closeAfterRead)
        {
            Close(_closeAfterReadReason, flushFirst: true);
            return false;
        }

        return status == ParseStatus.NeedMoreData;
    }

    /// <summary>The parser gave up: reply (or not) as nats-server does, and close.</summary>
    protected virtual void OnParseError() => Close(ClosedReason.ProtocolViolation);

    /// <summary>The deliveries of a client's publications, whose backlogged subscribers it waits for; null for peers (a route or leaf is never held).</summary>
    protected virtual DeliveryBatch? PublishBatch => null;

    // A receive takes at least this much room (InboundBuffer moves or grows to give it).
    private const int MinimumReadSize = 8 * 1024;

    // A read this large (a publisher's burst) is parsed on a thread-pool worker, never on a socket engine's
    // epoll thread (where reads resume once past the handshake, see SocketCompletions, or with
    // DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1): routing it takes long enough that the other sockets of
    // that thread would wait. Smaller reads (requests, replies) stay there.
    private const int HandOffReadSize = 4 * 1024;

    /// <summary>
    /// True while this connection's reads must not be parsed on an epoll thread whatever their size: a
    /// handshake may check a bcrypt password (tens of milliseconds of CPU) that every other socket of that
    /// thread would wait for.
    /// </summary>
    protected virtual bool ParsesOnWorker => false;

    /// <summary>The read loop: one per connection, until it closes (not an async method itself: one state machine fewer per connection).</summary>
    protected Task RunReadLoopAsync()
    {
        if (Socket is not { } socket || Stream is not NetworkStream)
        {
            return RunStreamReadLoopAsync(); // TLS, websocket frames
        }

        // A plain client socket (SendDirectly) is read from the ReadinessLoop's events, where there is one (Linux).
        return _sendsDirect && ReadinessLoop.Next() is { } loop
            ? StartReadinessReads(loop, socket)
            : RunSocketReadLoopAsync(socket);
    }

    /// <summary>The read loop over a stream (TLS, websocket frames).</summary>
    private async Task RunStreamReadLoopAsync()
    {
        // Zero-byte reads: an idle connection waits for data without holding a buffer (64 KB
        // each otherwise, the bulk of RSS per idle client); the buffer is rented when bytes arrive
        // and goes back to the pool once the parser has consumed them.
        var reader = PipeReader.Create(Stream!, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 8 * 1024, leaveOpen: true, useZeroByteReads: true));
        try
        {
            while (!IsClosing)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (!ParseRead(ref buffer))
                {
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (PublishBatch is { HasBacklogged: true } batch)
                {
                    await batch.WaitForBackloggedAsync().ConfigureAwait(false); // back-pressure: read on once they drain
                }

                if (result.IsCompleted)
                {
                    // The peer closed its sending half: as nats-server, what it was already
                    // answered (replies to its last commands) is written before the close.
                    Close(ClosedReason.ClientClosed, flushFirst: true);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException
            || (ex is InvalidOperationException && IsClosing))
        {
            // An SslStream disposed by a close while its read was pending may say "only allowed using a
            // successfully authenticated context" instead of ObjectDisposedException (seen once on a route
            // closed by the server's stop, which then threw).
            Close(ClosedReason.ClientClosed);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The read loop over a plain socket: receives straight from the socket into an <see cref="InboundBuffer"/>
    /// the parser reads from. A receive that fails (a client that reset its connection) is reported, not thrown
    /// (see <see cref="SocketReceiver"/>), and closes the connection without a flush, as nothing more can be
    /// written to it, with nats-server's reason ("Read Error"). As with the stream loop: an idle connection
    /// waits with a zero-byte receive and holds no buffer; what the parser leaves (a partial command) stays
    /// in the buffer for the next receive.
    /// </summary>
    private async Task RunSocketReadLoopAsync(Socket socket)
    {
        var inbound = default(InboundBuffer);
        using var receiver = new SocketReceiver(socket);
        bool inline = false; // the socket's completions run on the epoll thread (SocketCompletions)
        bool reset = false; // the peer reset the connection: closed once the buffer has gone back
        try
        {
            while (BeginReceive()) // no receive once closing: a close that flushed may linger (Connection.Linger.cs)
            {
                if (inbound.Length == 0)
                {
                    await receiver.ReceiveAsync(Memory<byte>.Empty).ConfigureAwait(false);
                    if (receiver.Error != SocketError.Success)
                    {
                        reset = true; // nats-server's "Read Error"
                        break;
                    }
                }

                int n = await receiver.ReceiveAsync(inbound.GetMemory(MinimumReadSize)).ConfigureAwait(false);
                EndReceive();
                if (n == 0)
                {
                    if (receiver.Error != SocketError.Success)
                    {
                        reset = true; // a reset leaves nothing to write to
                        break;
                    }

                    // The peer closed its sending half: as nats-server, what it was already answered is
                    // written before the close (by the write loop, on a worker).
                    NotePeerFin();
                    Close(ClosedReason.ClientClosed, flushFirst: true);
                    return;
                }

                if ((n >= HandOffReadSize || ParsesOnWorker) && !Thread.CurrentThread.IsThreadPoolThread)
                {
                    await Task.Yield(); // see HandOffReadSize
                }

                inbound.Advance(n);
                ReadOnlySequence<byte> buffer = inbound.Unread;
                long received = buffer.Length;
                if (!ParseRead(ref buffer))
                {
                    return;
                }

                inbound.Consume(received - buffer.Length);
                if (!inline && !ParsesOnWorker)
                {
                    // Past the handshake: from now on a small read (a request, a reply, a PING) is parsed and its
                    // deliveries written on the epoll thread that saw it, with no hand-off to a worker; large reads
                    // still go to a worker (HandOffReadSize), as do a reset's close and a send that had to wait.
                    inline = true;
                    SocketCompletions.PreferInline(socket);
                }

                if (PublishBatch is { HasBacklogged: true } batch)
                {
                    await batch.WaitForBackloggedAsync().ConfigureAwait(false); // back-pressure: read on once they drain
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            Close(ClosedReason.ClientClosed); // the socket was closed under the receive
        }
        finally
        {
            // On the thread that rented the buffer, so that the next connection's read there reuses it (an
            // epoll thread going through a storm's disconnects would otherwise rent a new one for each).
            EndReceive();
            inbound.Release();
        }

        if (reset)
        {
            if (!Thread.CurrentThread.IsThreadPoolThread)
            {
                await Task.Yield(); // the close itself (unsubscribing, events) runs on a worker, not on the epoll thread
            }

            Close(ClosedReason.ReadError);
        }
    }
}
