using System.Text.Json;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The INFO clients get: one template, rebuilt from what the parts say whenever that changes (start,
/// cluster membership, reload, lame duck), written out per client with that client's own fields, and
/// the rules for telling connected clients of a change (asynchronous INFO).
/// </summary>
internal sealed class ClientInfo
{
    private readonly Func<ServerInfo> _source;
    private ServerInfo _template = new();
    private long _connectUrlsVersion;

    // The last INFO line built for the usual client, and what it was built for (see Build).
    private InfoLine? _line;

    /// <param name="source">Builds the template from the parts in force (see <see cref="CreateTemplate"/>).</param>
    public ClientInfo(Func<ServerInfo> source) => _source = source;

    // Async INFO: the senders and each client's first PONG agree under this lock, so a client gets a
    // change either at once (PONG already sent) or right after its first PONG, never before it and
    // never twice (nats-server uses its server lock the same way).
    public Lock AsyncLock { get; } = new();

    /// <summary>Counts changes of the connect_urls (nats-server's lastCURLsUpdate).</summary>
    public long ConnectUrlsVersion => Volatile.Read(ref _connectUrlsVersion);

    /// <summary>The template in force (readers clone it; it is never changed in place).</summary>
    public ServerInfo Template => Volatile.Read(ref _template);

    /// <summary>
    /// Puts <paramref name="next"/> in force; when its connect_urls differ from the last ones, counts a
    /// change and tells every client in <paramref name="clients"/> that takes async INFO (protocol 1,
    /// first PONG sent; the others get it right after that PONG). Returns whether the URLs changed.
    /// </summary>
    public bool Replace(ServerInfo next, IEnumerable<ClientConnection>? clients = null)
    {
        lock (AsyncLock)
        {
            string[]? before = _template.ConnectUrls;
            Volatile.Write(ref _template, next);
            if ((before ?? []).AsSpan().SequenceEqual(next.ConnectUrls ?? []))
            {
                return false; // e.g. only the cluster name: new INFOs carry it, nobody is told
            }

            Volatile.Write(ref _connectUrlsVersion, _connectUrlsVersion + 1);
            foreach (ClientConnection client in clients ?? [])
            {
                client.SendAsyncInfo();
            }

            return true;
        }
    }

    /// <summary>
    /// Rebuilds the template; when the connect_urls changed, tells the <paramref name="clients"/> that take
    /// async INFO (see <see cref="Replace"/>). Returns whether the URLs changed.
    /// </summary>
    public bool Refresh(IEnumerable<ClientConnection>? clients = null) => Replace(Build(), clients);

    /// <summary>
    /// Whether INFO says <c>jetstream</c>: configured and not failed to start (nats-server drops the flag
    /// when a reload could not start it). Unset, the options alone say it.
    /// </summary>
    public Func<bool>? JetStreamEnabled { get; set; }

    /// <summary>The client INFO template: the options, the bound client port, the auth and TLS in force and the cluster.</summary>
    public static ServerInfo CreateTemplate(ServerOptions options, string serverId, string serverName, int port, bool authRequired, bool tlsOn, string? cluster, string[]? connectUrls)
    {
        string host = options.Host;
        if (options.ClientAdvertise.Length > 0)
        {
            (host, int? advertisedPort) = TcpListen.SplitHostPort(options.ClientAdvertise);
            port = advertisedPort ?? port;
        }

        return new ServerInfo
        {
            ServerId = serverId,
            ServerName = serverName,
            Version = ServerVersion.Compatible,
            Proto = 1,
            Go = ServerVersion.Runtime,
            Host = host,
            Port = port,
            Headers = !options.NoHeaderSupport,
            AuthRequired = authRequired,
            TlsRequired = tlsOn && !options.AllowNonTls,
            TlsAvailable = tlsOn && options.AllowNonTls,
            TlsVerify = tlsOn && (options.TlsVerify || options.TlsMap),
            MaxPayload = options.MaxPayload,
            JetStream = options.JetStream is not null,
            Cluster = cluster,
            ConnectUrls = connectUrls,
        };
    }

    /// <summary>Changes one thing in the template (auth required, TLS verify after a reload).</summary>
    public void Update(Action<ServerInfo> change)
    {
        lock (AsyncLock)
        {
            ServerInfo updated = _template.Clone();
            change(updated);
            Volatile.Write(ref _template, updated);
        }
    }

    private ServerInfo Build()
    {
        ServerInfo next = _source();
        if (JetStreamEnabled is { } jetStream)
        {
            next.JetStream = jetStream();
        }

        return next;
    }

    /// <summary>Lame duck: the template rebuilt (without our own URL), and the ldm INFO to every client that takes async INFO.</summary>
    public void AnnounceLameDuck(IEnumerable<ClientConnection> clients)
    {
        lock (AsyncLock)
        {
            Volatile.Write(ref _template, Build());
            foreach (ClientConnection client in clients)
            {
                client.SendAsyncInfo(lameDuck: true); // as nats-server: not to a client still before its first PONG
            }
        }
    }

    /// <summary>For <c>$SYS</c> <c>LDM</c>: the ldm INFO to one client, under the async INFO rules.</summary>
    public void SendLameDuck(ClientConnection client)
    {
        lock (AsyncLock)
        {
            client.SendAsyncInfo(lameDuck: true);
        }
    }

    /// <summary>The INFO line for one client: the template plus its client_id, client_ip, nonce and limits.</summary>
    public byte[] Build(ClientConnection client, bool lameDuck = false)
    {
        if (!lameDuck && UsualLine(client) is { } line)
        {
            return line.For(client.Id, client.RemoteHost, client.Nonce);
        }

        Authenticator auth = client.Auth;
        ServerInfo info = Template.Clone();
        info.AuthRequired = auth.Required;
        if (client.IsWebSocket)
        {
            info.ConnectUrls = null; // those are the cluster's NATS ports; websocket URLs are not gossiped yet
        }

        info.LameDuckMode = lameDuck;
        info.MaxPayload = client.MaxPayload; // the account's max_payload when it is lower
        info.ClientId = client.Id;
        info.ClientIp = client.RemoteHost;
        info.Nonce = client.Nonce;
        if (info.AuthRequired && auth.NoAuthIdentity is not null)
        {
            info.AuthRequired = false; // as nats-server: with no_auth_user a client need not authenticate
        }

        return InfoLine.Serialize(info);
    }

    /// <summary>
    /// The usual client's INFO (not websocket, plain address and nonce): the template's line serialized once,
    /// for this client's fields to be spliced in (<see cref="InfoLine.For"/>); null for any other client.
    /// </summary>
    public InfoLine? UsualLine(ClientConnection client)
    {
        if (client.IsWebSocket || client.Id == 0 || !InfoLine.IsPlain(client.RemoteHost) || !InfoLine.IsPlain(client.Nonce))
        {
            return null;
        }

        Authenticator auth = client.Auth;
        bool authRequired = auth.Required && auth.NoAuthIdentity is null;
        ServerInfo template = Template;
        InfoLine? line = Volatile.Read(ref _line);
        if (line is null || line.Template != template || line.AuthRequired != authRequired || line.MaxPayload != client.MaxPayload)
        {
            line = InfoLine.Create(template, authRequired, client.MaxPayload);
            Volatile.Write(ref _line, line);
        }

        return line;
    }
}
