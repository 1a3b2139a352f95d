namespace NatsSharp.Server.Connections;

/// <summary>What back-pressure reads of a subscriber's progress (DeliveryBatch): the reader's, not the kernel's.</summary>
internal abstract partial class Connection
{
    /// <summary>
    /// Written less the socket's unsent and unacknowledged bytes (Linux SIOCOUTQ): a subscriber that never reads
    /// still has bytes written while the kernel's buffers take them, but nothing leaves the send queue once its
    /// receive window is shut. Written alone where the queue cannot be read.
    /// </summary>
    public override long Drained
    {
        get
        {
            long written = Written;
            return Socket is { } socket && SendQueue.TryRead(socket, out int queued) ? written - queued : written;
        }
    }
}
