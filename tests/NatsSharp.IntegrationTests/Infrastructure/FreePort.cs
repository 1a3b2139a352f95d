using System.Net;
using System.Net.Sockets;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback port that was free a moment ago, for peers that cannot be told "-1". Taken below
/// the kernel's ephemeral range (ip_local_port_range, 32768–60999 by default), so the outgoing
/// connections of parallel tests, which get ephemeral ports, cannot take it before the server
/// binds it; never the same port twice in one run.
/// </summary>
public static class FreePort
{
    private const int First = 20000;
    private const int Last = 32767;
    private static readonly HashSet<int> HandedOut = [];
    private static int _next = First + Random.Shared.Next(Last - First); // two runs at once start apart

    public static int Next()
    {
        lock (HandedOut)
        {
            for (int tries = 0; tries <= Last - First; tries++)
            {
                int port = _next;
                _next = _next == Last ? First : _next + 1;
                if (HandedOut.Add(port) && IsFree(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{Last}");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
