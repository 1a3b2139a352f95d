using System.Buffers;
using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Tests.Connections;

/// <summary>
/// Client connections without a socket, driven by handing their read loop's bytes to the parser directly:
/// for tests of the message path below the network (allocation, staging, captures).
/// </summary>
internal static class InProcessClient
{
    /// <summary>A connection past CONNECT (not verbose, not pedantic) with its INFO discarded.</summary>
    public static ClientConnection Connect(NatsServer server, ulong id)
    {
        var c = new ClientConnection(server, id, null!, Stream.Null);
        c.OnConnect("{\"verbose\":false,\"pedantic\":false}"u8);
        c.DiscardPendingOutbound();
        return c;
    }

    /// <summary>Parses <paramref name="bytes"/> as one read of <paramref name="client"/>.</summary>
    public static void Publish(ClientConnection client, byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);
        client.ProcessBuffer(ref buffer);
    }
}
