using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The inbound side every kind of connection shares: one read loop over a PipeReader that
/// hands each read to the subclass's parser and keeps whatever partial command is left.
/// </summary>
internal abstract partial class Connection
{
    /// <summary>
    /// Handles every complete command in one read; what is left in <paramref name="buffer"/> is
    /// partial. Connections without a socket (test doubles, permission owners) never read.
    /// </summary>
    internal virtual ParseStatus ProcessBuffer(ref ReadOnlySequence<byte> buffer) => ParseStatus.Stopped;

    /// <summary>The parser gave up: reply (or not) as nats-server does, and close.</summary>
    protected virtual void OnParseError() => Close(ClosedReason.ProtocolViolation);

    /// <summary>The deliveries of a client's publications, whose backlogged subscribers it waits for; null for peers (a route or leaf is never held).</summary>
    protected virtual DeliveryBatch? PublishBatch => null;

    /// <summary>The read loop: one per connection, until it closes.</summary>
    protected async Task RunReadLoopAsync()
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
                StampActivity(); // once per read, for last_activity in monitoring
                ParseStatus status = ProcessBuffer(ref buffer);
                if (status == ParseStatus.Error)
                {
                    OnParseError();
                    return;
                }

                if (status == ParseStatus.Stopped)
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
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
        {
            Close(ClosedReason.ClientClosed);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
