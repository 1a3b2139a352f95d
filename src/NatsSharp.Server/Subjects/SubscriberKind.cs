namespace NatsSharp.Server.Subjects;

/// <summary>
/// Who a subscription belongs to, as far as the message path needs to know: whether a message
/// is queued once per subscription here, or forwarded once per message to another server, and
/// which one-hop rules apply to it.
/// </summary>
internal enum SubscriberKind : byte
{
    /// <summary>A client of this server (plain TCP or websocket): one MSG per matching subscription.</summary>
    Client,

    /// <summary>The server itself: the subscriptions it makes for imports (next: the system account, JetStream).</summary>
    Internal,

    /// <summary>A route to another server of the cluster: one RMSG per message for all its subscriptions.</summary>
    Route,

    /// <summary>A leaf server that dialled us (we are its hub): one LMSG per message.</summary>
    Leaf,

    /// <summary>The hub we dialled as its leaf: one LMSG per message.</summary>
    Hub,
}
