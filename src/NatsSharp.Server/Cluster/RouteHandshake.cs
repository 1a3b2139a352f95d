using NatsSharp.Server.Connections;
using System.Text.Json;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// The route handshake as nats-server 2.9.10 speaks it: the CONNECT we send on a route we dialled
/// (credentials from the route URL), the INFO we send on every route, and the check of a peer's
/// CONNECT against <c>cluster { authorization }</c>.
/// </summary>
internal sealed class RouteHandshake
{
    private readonly NatsServer _server;
    private readonly ClusterManager _cluster;

    public RouteHandshake(NatsServer server, ClusterManager cluster)
    {
        _server = server;
        _cluster = cluster;
    }

    public byte[] Connect(Uri url)
    {
        var connect = new RouteConnect
        {
            TlsRequired = _cluster.Tls is not null,
            Name = _server.ServerId,
            Cluster = _cluster.Name,
            Dynamic = _cluster.Dynamic,
        };
        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            string[] parts = url.UserInfo.Split(':', 2);
            connect.User = Uri.UnescapeDataString(parts[0]);
            connect.Pass = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(connect, ProtocolJson.Default.RouteConnect);
        return [.. "CONNECT "u8, .. json, .. "\r\n"u8];
    }

    public byte[] Info(bool lameDuck)
    {
        string host = _cluster.Options.Host;
        int port = _cluster.Port;
        string? ip = null;
        if (_cluster.Options.Advertise.Length > 0)
        {
            int colon = _cluster.Options.Advertise.LastIndexOf(':');
            host = colon > 0 ? _cluster.Options.Advertise[..colon] : _cluster.Options.Advertise;
            port = colon > 0 && int.TryParse(_cluster.Options.Advertise.AsSpan(colon + 1), out int p) ? p : port;
            ip = $"nats-route://{TcpListen.HostPort(host, port)}/";
        }

        var info = new ServerInfo
        {
            ServerId = _server.ServerId,
            ServerName = _server.ServerName,
            Version = ServerVersion.Compatible,
            Proto = 2,
            Go = ServerVersion.Runtime,
            Host = host,
            Port = port,
            Headers = !_server.Options.NoHeaderSupport,
            AuthRequired = _cluster.AuthRequired,
            TlsRequired = _cluster.Tls is not null,
            TlsVerify = _cluster.Options.Tls is { } t && (t.Verify || t.Map),
            MaxPayload = _server.Options.MaxPayload,
            Ip = ip,
            Cluster = _cluster.Name,
            ClusterDynamic = _cluster.Dynamic,
            ConnectUrls = _cluster.Options.NoAdvertise ? null : [.. _server.OwnClientUrls()],
            LeafNodeUrls = _server.LeafNodeUrlForCluster is { } leafUrl ? [leafUrl] : null,
            LameDuckMode = lameDuck,
            Import = _cluster.Options.Permissions?.Publish,
            Export = _cluster.Options.Permissions?.Subscribe,
            Lnoc = true,
        };
        return InfoLine(info, trailingSpace: true);
    }

    public static byte[] InfoLine(ServerInfo info, bool trailingSpace)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(info, ProtocolJson.Default.ServerInfo);
        return [.. "INFO "u8, .. json, .. (trailingSpace ? " \r\n"u8 : "\r\n"u8)];
    }
    /// <summary>A route's CONNECT against <c>cluster { authorization }</c>: the password plain or bcrypt, as for clients.</summary>
    public bool Authenticate(ConnectOptions connect) =>
        SecretCompare.SameText(connect.User ?? "", _cluster.Options.Username) & SecretCompare.PasswordMatches(_cluster.Options.Password, connect.Pass ?? "");
}
