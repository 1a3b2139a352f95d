using System.Net.Sockets;

namespace NatsSharp.Server.LeafNodes;

/// <summary>A connection to a hub, ready for the leafnode protocol.</summary>
/// <param name="Stream">TCP, TLS or websocket; replays the hub's first INFO if it was read to decide on TLS.</param>
/// <param name="Tls">The leafnode TLS upgrade was done (CONNECT says <c>tls_required</c>); false over websocket, as nats-server.</param>
internal sealed record LeafDial(Socket Socket, Stream Stream, bool Tls);
