using System.Net;
using System.Net.Sockets;

namespace NatsSharp.Server.Connections;

/// <summary>Binding a listening port the way nats-server does: its addresses, its options, its error text.</summary>
internal static class TcpListen
{
    /// <summary>
    /// Binds <paramref name="host"/>:<paramref name="port"/> (0 = a random port) and listens with the
    /// system's maximum backlog (net.core.somaxconn), as Go's net.Listen does: a storm of thousands of
    /// clients reconnecting at once must wait in the accept queue, not overflow it.
    /// </summary>
    /// <param name="portName">"router", "leafnode"… in nats-server's "Error listening on … port" text; null for the client port.</param>
    public static Socket Bind(string host, int port, string? portName = null)
    {
        try
        {
            return Listen(ResolveAddress(host), port);
        }
        catch (SocketException ex)
        {
            string hp = HostPort(host, port);
            string what = portName is null ? "port" : portName + " port";
            throw new NatsServerException($"Error listening on {what}: {hp}, \"listen tcp {hp}: bind: {ErrorText(ex)}\"", ex);
        }
    }

    /// <summary>Binds and listens as <see cref="Bind"/> does; a failure is the <see cref="SocketException"/> (see <see cref="ErrorText"/>).</summary>
    public static Socket Listen(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // SO_REUSEADDR only (as Go sets it), so a restart is not blocked by TIME_WAIT;
            // .NET's ReuseAddress option would also set SO_REUSEPORT and let two servers share a port.
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
            }

            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(); // SOMAXCONN: the kernel caps it at net.core.somaxconn
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A configured client or websocket port as bound: as nats-server, 0 means the default port, -1 a random one.</summary>
    public static int PortToBind(int configured) => configured switch { ServerOptions.RandomPort => 0, 0 => ServerOptions.DefaultPort, _ => configured };

    public static IPAddress ResolveAddress(string host)
    {
        if (host.Length == 0 || host == "0.0.0.0")
        {
            return IPAddress.Any;
        }

        if (host is "::" or "[::]")
        {
            return IPAddress.IPv6Any;
        }

        if (IPAddress.TryParse(host.Trim('[', ']'), out IPAddress? parsed))
        {
            return parsed;
        }

        IPAddress[] resolved = Dns.GetHostAddresses(host);
        return resolved.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? resolved[0];
    }

    /// <summary>host:port, with an IPv6 host in brackets.</summary>
    public static string HostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";

    /// <summary>"host:port" or "host" into its parts (the port is null when absent).</summary>
    public static (string Host, int? Port) SplitHostPort(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon > 0 && int.TryParse(hostPort.AsSpan(colon + 1), out int port) && !hostPort.EndsWith(']'))
        {
            return (hostPort[..colon].Trim('[', ']'), port);
        }

        return (hostPort, null);
    }

    /// <summary>Go's syscall error string for what a bind commonly meets.</summary>
    public static string ErrorText(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => "address already in use",
        SocketError.AddressNotAvailable => "cannot assign requested address",
        SocketError.AccessDenied => "permission denied",
        _ => ex.Message,
    };
}
