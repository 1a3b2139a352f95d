namespace NatsSharp.Server.Subjects;

/// <summary>
/// What a subscription belongs to and delivers to: a connection (client, route, leafnode) or one
/// of the server's own internal subscribers (no socket). The message path hands a subscriber its
/// messages through these members and asks nothing but its <see cref="Kind"/>.
/// </summary>
internal abstract class Subscriber
{
    protected Subscriber(SubscriberKind kind) => Kind = kind;

    /// <summary>Fixed for its life; a field, since the message path reads it for every subscription it matches.</summary>
    public SubscriberKind Kind { get; }

    /// <summary>Another server (route or leafnode): takes one forwarded copy of a message for all its subscriptions.</summary>
    public bool IsServerPeer => Kind >= SubscriberKind.Route;

    /// <summary>The connection id monitoring shows for its subscriptions (0 for the server's own).</summary>
    public virtual ulong Cid => 0;

    /// <summary>Whether messages to it may carry headers (HMSG).</summary>
    public virtual bool TakesHeaders => false;

    /// <summary>Over its pending limit: the last message was refused and it is being cut off.</summary>
    public virtual bool IsSlowConsumer => false;

    /// <summary>
    /// While its outbound is over half its pending limit: a task that completes when it drains
    /// back below, which a client publishing to it waits on for a bounded time (back-pressure).
    /// </summary>
    public virtual Task? Backlog => null;

    /// <summary>Bytes written to its socket so far: tells a subscriber that drains from one that is stuck.</summary>
    public virtual long Written => 0;

    /// <summary>Did not drain while a publisher waited for it: nobody waits for it again until it drains below half.</summary>
    public volatile bool Stuck;

    /// <summary>
    /// Bytes its reader has taken as far as this side can tell (a socket's: written less what still sits in the
    /// kernel's send queue), which moves only while the other end reads once its receive buffer is full.
    /// </summary>
    public virtual long Drained => Written;

    /// <summary>Its progress as seen by publishers waiting on its backlog (DeliveryBatch's); made on its first backlog.</summary>
    public Connections.DrainProgress? DrainProgress;

    /// <summary>Queues one message for one of its subscriptions; false if it cannot take it.</summary>
    public abstract bool EnqueueMessage(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> sid, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message, bool withHeaders);

    /// <summary>
    /// A server peer: queues one forwarded copy (RMSG/LMSG) naming the queue groups it was picked
    /// for. Others never get one.
    /// </summary>
    public virtual bool Forward(string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message) => false;

    /// <summary>Wakes its writer once a read's deliveries are queued.</summary>
    public virtual void SignalFlush()
    {
    }

    /// <summary>
    /// Wakes its writer at the end of a read that queued messages to it; a connection may write a
    /// small batch on the reading thread instead (Connection.Outbound.cs).
    /// </summary>
    public virtual void FlushAfterRead() => SignalFlush();

    /// <summary>It refused a message for being over its pending limit.</summary>
    internal virtual void OnSlowConsumer()
    {
    }

    /// <summary>Its subscription reached its UNSUB max.</summary>
    internal virtual void RemoveSubscription(Subscription sub)
    {
    }

    /// <summary>Its own filter at delivery (a client's permissions under a wildcard subscription).</summary>
    internal virtual bool MayReceive(ReadOnlySpan<byte> subject) => true;

    /// <summary>A message was queued for <paramref name="sub"/> (a client grants the reply, traces the MSG).</summary>
    internal virtual void OnDelivered(Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, int size)
    {
    }
}
