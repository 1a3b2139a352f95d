namespace NatsSharp.Server.Connections;

/// <summary>
/// Asynchronous INFO (connect_urls changes, lame duck), as nats-server 2.9 sends it: only to a
/// client that said <c>protocol:1</c> and only once it has had its first PONG. Clients wait for
/// that PONG after CONNECT (nats.go fails with "expected 'PONG', got 'INFO'"), so a change that
/// happens before it is told right after that PONG instead.
/// </summary>
internal sealed partial class ClientConnection
{
    // Written by the read loop under the ClientInfo's AsyncLock, read under it by the senders.
    private bool _firstPongSent;

    // The server's connect_urls version when this client was accepted (nats-server's c.start).
    private long _connectUrlsVersionAtStart;

    /// <summary>
    /// After the first PONG that follows CONNECT: from now on async INFO may be sent, and if the
    /// connect_urls changed since this client was accepted it gets the current INFO now, after the PONG.
    /// Lame duck is not made up for here, as nats-server does not either.
    /// </summary>
    private void OnFirstPong()
    {
        lock (_server.ClientInfo.AsyncLock)
        {
            _firstPongSent = true;
            // One INFO if the cluster's connect_urls changed since this client connected, or if its
            // account's max_payload differs from the one the first INFO carried (nats-server's processPing).
            bool urlsChanged = !IsWebSocket && _server.ClientInfo.ConnectUrlsVersion != _connectUrlsVersionAtStart;
            if (ConnectInfo is { Protocol: >= 1 } && (urlsChanged || MaxPayload != _server.Options.MaxPayload))
            {
                EnqueueProtocol(_server.ClientInfo.Build(this)); // the read loop flushes it with the PONG
            }
        }
    }

    /// <summary>
    /// A fresh INFO, or the lame-duck one, for a client that takes async INFO and has had its first
    /// PONG. Websocket clients hear only of lame duck: the connect_urls are the cluster's NATS ports
    /// and websocket URLs are not gossiped. Called under the ClientInfo's AsyncLock.
    /// </summary>
    internal void SendAsyncInfo(bool lameDuck = false)
    {
        if (!_firstPongSent || IsClosing || ConnectInfo is not { Protocol: >= 1 } || (IsWebSocket && !lameDuck))
        {
            return;
        }

        if (EnqueueProtocol(_server.ClientInfo.Build(this, lameDuck)))
        {
            SignalFlush();
        }
    }
}
