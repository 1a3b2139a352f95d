namespace NatsSharp.Server.Auth;

/// <summary>
/// Who may connect as a client: the server's authenticator and the websocket block's override of it.
/// A reload swaps both at once, so a reader never pairs a new one with an old one.
/// </summary>
internal sealed class ClientAuthorization
{
    private Pair _current;

    public ClientAuthorization(Authenticator server, Authenticator? webSocket) => _current = new Pair(server, webSocket);

    public Authenticator Server => Volatile.Read(ref _current).Server;

    /// <summary>The websocket block's override, or the server's authenticator without one.</summary>
    public Authenticator WebSocket => Volatile.Read(ref _current) is var p && p.WebSocket is not null ? p.WebSocket : p.Server;

    public bool Required => Server.Required;

    public void Swap(Authenticator server, Authenticator? webSocket) => Volatile.Write(ref _current, new Pair(server, webSocket));

    private sealed record Pair(Authenticator Server, Authenticator? WebSocket);
}
