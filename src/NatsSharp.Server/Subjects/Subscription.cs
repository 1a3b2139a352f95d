namespace NatsSharp.Server.Subjects;

/// <summary>
/// One SUB of one subscriber (a connection or the server's own). Subject, queue and sid are kept
/// as the bytes the client sent so delivery can copy them into MSG lines without encoding.
/// </summary>
internal sealed class Subscription
{
    public Subscription(Subscriber subscriber, byte[] subject, byte[]? queue, byte[] sid)
    {
        Subscriber = subscriber;
        Subject = subject;
        Queue = queue;
        Sid = sid;
    }

    /// <summary>Who it belongs to and delivers to.</summary>
    public Subscriber Subscriber { get; }
    public byte[] Subject { get; }

    /// <summary>The queue group, or null for a plain subscription.</summary>
    public byte[]? Queue { get; }

    public byte[] Sid { get; }

    /// <summary>Auto-unsubscribe after this many deliveries in total (0 = never); set with Interlocked by UNSUB.</summary>
    public long MaxMsgs;

    /// <summary>
    /// Messages numbered for delivery so far: raised with Interlocked by every publishing read loop, by one
    /// per direct delivery or by a run's count when its staged frames are queued (DeliveryStaging), so exact
    /// as nats-server's sub.nm under the client lock. Like nats-server's, it also counts the deliveries
    /// refused past an UNSUB max (and those a closing subscriber could not take).
    /// </summary>
    public long Delivered;

    /// <summary>Set once the subscription has been removed, so late deliveries can skip it.</summary>
    public volatile bool Closed;

    public bool IsQueue => Queue is not null;

    /// <summary>The account whose subject space holds this subscription ("$G" by default); routes name it.</summary>
    public string AccountName { get; init; } = "$G";

    /// <summary>Set on subscriptions the server makes for imports: what a message on it turns into (null for ordinary ones).</summary>
    public ImportBinding? Import { get; init; }

    /// <summary>For a stream import's shadow: the subscription in the importing account it delivers to.</summary>
    public Subscription? Origin { get; init; }

    /// <summary>The shadows this subscription has in exporting accounts (stream imports), removed with it.</summary>
    public Subscription[]? Shadows;
}
