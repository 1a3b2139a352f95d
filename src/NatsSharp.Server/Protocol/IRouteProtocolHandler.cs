namespace NatsSharp.Server.Protocol;

/// <summary>The route protocol's extra operations (the parser calls these in route mode).</summary>
internal interface IRouteProtocolHandler : IProtocolHandler
{
    /// <summary>RS+ account subject [queue weight]; <paramref name="weight"/> is 0 for a plain subscription.</summary>
    bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight);

    /// <summary>RS- account subject [queue].</summary>
    bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue);

    /// <summary>
    /// RMSG/HMSG: <paramref name="queues"/> holds the queue group names the sender picked us
    /// for (space separated, possibly empty); <paramref name="message"/> is headers + payload.
    /// </summary>
    bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message);
}
