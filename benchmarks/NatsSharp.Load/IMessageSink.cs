namespace NatsSharp.Load;

/// <summary>Receives delivery events from a <see cref="NatsConnection"/> read loop (on the reader's thread).</summary>
internal interface IMessageSink
{
    /// <summary>True when <see cref="OnMessage"/> should be called per message; false keeps the scanner count-only.</summary>
    bool WantsMessages { get; }

    /// <summary>One MSG/HMSG; spans point into the receive buffer and are valid only during the call.</summary>
    void OnMessage(NatsConnection connection, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply);

    /// <summary>Called after each socket read that delivered at least one message.</summary>
    void OnDelivered(NatsConnection connection, long count);

    /// <summary>The connection hit EOF or an error; no more deliveries will follow.</summary>
    void OnClosed(NatsConnection connection);
}
