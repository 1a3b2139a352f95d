using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace NatsSharp.Server.Connections;

/// <summary>This server's client URLs (host:port), as advertised to clients (connect_urls) and other servers.</summary>
internal static class ClientUrls
{
    /// <summary>client_advertise when set; the listen host when it is one address; otherwise every non-loopback IPv4 address.</summary>
    public static List<string> Own(ServerOptions options, int port)
    {
        if (options.ClientAdvertise.Length > 0)
        {
            string advertised = options.ClientAdvertise;
            return [advertised.Contains(':', StringComparison.Ordinal) ? advertised : $"{advertised}:{port}"];
        }

        if (options.Host is not ("0.0.0.0" or "" or "::" or "[::]"))
        {
            return [TcpListen.HostPort(options.Host, port)];
        }

        var urls = new List<string>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }

            foreach (UnicastIPAddressInformation a in nic.GetIPProperties().UnicastAddresses)
            {
                if (a.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a.Address))
                {
                    urls.Add(TcpListen.HostPort(a.Address.ToString(), port));
                }
            }
        }

        return urls.Count > 0 ? urls : [TcpListen.HostPort("127.0.0.1", port)];
    }
}
