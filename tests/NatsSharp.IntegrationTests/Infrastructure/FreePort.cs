using System.Net;
using System.Net.Sockets;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>A loopback port that was free a moment ago, for peers that cannot be told "-1".</summary>
public static class FreePort
{
    public static int Next()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
