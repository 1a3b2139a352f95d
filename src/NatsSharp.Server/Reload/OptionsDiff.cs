using System.Globalization;
using System.Runtime.CompilerServices;
using NatsSharp.Server.Cluster;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Reload;

/// <summary>
/// Compares the running options with reloaded ones, field by field in nats-server's
/// <c>Options</c> order, with an explicit verdict per field: reloadable (a
/// <c>Reloaded: ...</c> line) or not (nats-server's refusal, naming its Go field).
/// Nothing is compared by reflection, so an unchanged value never counts as a change.
/// </summary>
internal sealed class OptionsDiff
{
    private readonly ServerOptions _old;
    private readonly ServerOptions _new;
    private readonly List<string> _reloaded = [];
    private readonly HashSet<string> _covered = [nameof(ServerOptions.ConfigFile), nameof(ServerOptions.PortsFileDir)];

    private OptionsDiff(ServerOptions old, ServerOptions next)
    {
        _old = old;
        _new = next;
    }

    /// <summary>What changed, as the lines nats-server logs after <c>Reloaded: </c>.</summary>
    public IReadOnlyList<string> Reloaded => _reloaded;

    public bool LoggingChanged { get; private set; }

    /// <summary>
    /// The ServerOptions properties that have a reload verdict. A test checks it names every
    /// property, so a new option cannot be silently treated as "unchanged" on reload.
    /// </summary>
    public static IReadOnlySet<string> CoveredProperties()
    {
        var diff = new OptionsDiff(new ServerOptions(), new ServerOptions());
        diff.Run();
        return diff._covered;
    }

    public bool MaxConnectionsChanged { get; private set; }

    /// <summary>The cluster's configured routes changed: the server adds and removes routes live.</summary>
    public bool RoutesChanged { get; private set; }

    /// <summary>A cluster setting other than routes changed (applied live by the cluster).</summary>
    public bool ClusterChanged { get; private set; }

    /// <summary>The route import/export permissions changed: interest is re-announced or withdrawn.</summary>
    public bool ClusterPermissionsChanged { get; private set; }

    /// <summary>Route TLS changed (on, off, or other files/settings): used by routes that connect later.</summary>
    public bool ClusterTlsChanged { get; private set; }

    /// <summary>Throws <see cref="NatsServerException"/> with nats-server's message for the first change that cannot be applied live.</summary>
    public static OptionsDiff Compute(ServerOptions old, ServerOptions next)
    {
        var diff = new OptionsDiff(old, next);
        diff.Run();
        return diff;
    }

    private void Run()
    {
        Fixed("ServerName", o => o.ServerName);
        Fixed("Host", o => o.Host);
        Fixed("Port", o => o.Port);
        Live("client_advertise", o => o.ClientAdvertise);
        LiveLogging("trace", o => o.Trace);
        LiveLogging("debug", o => o.Debug);
        LiveLogging("trace_verbose", o => o.TraceVerbose);
        Fixed("NoSublistCache", o => o.DisableSublistCache);
        Fixed("NoHeaderSupport", o => o.NoHeaderSupport);
        LiveLogging("logtime", o => o.Logtime);
        MaxConnectionsChanged = Live("max_connections", o => o.MaxConnections);

        Fixed("MaxSubs", o => o.MaxSubscriptions);

        // nats-server compares the users and accounts lists by pointer, so it always lists
        // them, and always re-checks every client's credentials.
        _reloaded.Add("authorization users");
        _reloaded.Add("accounts");
        Changed("authorization username", o => o.Username);
        Changed("authorization password", o => o.Password);
        Changed("authorization token", o => o.AuthToken);
        Covered(o => o.Users);               // part of "authorization users", always listed
        Covered(o => o.NkeyUsers);
        Covered(o => o.DefaultPermissions);
        Covered(o => o.Accounts);            // part of "accounts", always listed
        Covered(o => o.Mappings);            // top-level mappings: nats-server keeps them as $G's, so "accounts" too
        AccountLinks();
        Fixed("SystemAccount", o => o.SystemAccount);
        Fixed("NoSystemAccount", o => o.NoSystemAccount);
        Covered(o => o.UnboundConfigKeys); // checked by Validate (operator mode refused), otherwise nothing to apply
        NoAuthUser();
        TlsBlock();
        LeafBlock();
        WebSocketBlock();
        Live("ping_interval", o => o.PingInterval);
        Live("ping_max", o => o.PingMax);
        Fixed("HTTPHost", o => o.HttpHost);
        Fixed("HTTPPort", o => o.HttpPort);
        Fixed("HTTPBasePath", o => o.HttpBasePath);
        Fixed("HTTPSPort", o => o.HttpsPort);
        Fixed("HTTPSCertificate", o => o.HttpsCertificate == null ? "" : o.HttpsCertificate.Thumbprint); // not swapped live yet
        Live("authorization timeout", o => o.AuthTimeout.TotalSeconds);
        Live("max_control_line", o => o.MaxControlLine);
        Live("max_payload", o => o.MaxPayload);
        Fixed("MaxPending", o => o.MaxPending);
        ClusterBlock();
        JetStreamBlock(); // nats-server's field order: after the cluster
        Live("pid_file", o => o.PidFile);

        // ports_file_dir: accepted and ignored, as nats-server does.
        LiveLogging("log_file", o => o.LogFile);
        Fixed("LogSizeLimit", o => o.LogSizeLimit);
        LiveLogging("syslog", o => o.Syslog);
        LiveLogging("remote_syslog", o => o.RemoteSyslog);
        LiveLogging("log_format", o => o.LogFormat);
        ClusterRoutes();
        Live("write_deadline", o => o.WriteDeadline);
        Fixed("LameDuckDuration", o => o.LameDuckDuration);
        Fixed("LameDuckGracePeriod", o => o.LameDuckGracePeriod);
        Live("max_traced_msg_len", o => o.MaxTracedMsgLen);
        if (!_old.ServerTags.SequenceEqual(_new.ServerTags))
        {
            _reloaded.Add("tags"); // nats-server's line names no value
        }

        Covered(o => o.ServerTags);
    }

    /// <summary>
    /// cluster {}: host and port are refused with nats-server's messages; name, authorization,
    /// permissions, advertise, no_advertise, connect_retries and tls apply live ("Reloaded: cluster").
    /// </summary>
    private void ClusterBlock()
    {
        _covered.Add(nameof(ServerOptions.Cluster));
        ClusterOptions? before = _old.Cluster;
        ClusterOptions? after = _new.Cluster;
        if (before is null && after is null)
        {
            return;
        }

        // nats-server's "no cluster" is host "" and port 0.
        string oldHost = before?.Host ?? "";
        string newHost = after?.Host ?? "";
        if (oldHost != newHost)
        {
            throw new NatsServerException($"config reload not supported for cluster host: old={oldHost}, new={newHost}");
        }

        int oldPort = before?.Port ?? 0;
        int newPort = after?.Port ?? 0;
        if (oldPort != newPort)
        {
            throw new NatsServerException($"config reload not supported for cluster port: old={Text(oldPort)}, new={Text(newPort)}");
        }

        if (after!.Advertise.Length > 0 && AdvertisePortError(after.Advertise) is { } error)
        {
            throw new NatsServerException($"invalid Cluster.Advertise value of {after.Advertise}, err={error}");
        }

        if (before!.ReconnectDelay != after.ReconnectDelay)
        {
            throw new NatsServerException($"config reload not supported for cluster reconnect delay: old={Text(before.ReconnectDelay)}, new={Text(after.ReconnectDelay)}");
        }

        ClusterPermissionsChanged = Describe(before.Permissions) != Describe(after.Permissions);
        // Certificates are read again whenever route TLS is configured (rotated files keep their names).
        ClusterTlsChanged = !Tls.TlsOptions.Same(before.Tls, after.Tls) || after.Tls is not null;
        ClusterChanged = ClusterPermissionsChanged || ClusterTlsChanged
            || before.Name != after.Name
            || before.Username != after.Username || before.Password != after.Password || before.AuthTimeout != after.AuthTimeout
            || before.Advertise != after.Advertise
            || before.NoAdvertise != after.NoAdvertise
            || before.ConnectRetries != after.ConnectRetries;
        // nats-server's deep compare of its route tls.Config differs every time: with route TLS it always lists "cluster".
        if (ClusterChanged)
        {
            _reloaded.Add("cluster");
        }
    }

    /// <summary>cluster routes: added and removed live. nats-server lists them after remote_syslog (its Routes field).</summary>
    private void ClusterRoutes()
    {
        if (_old.Cluster is { } before && _new.Cluster is { } after && !SameRoutes(before, after))
        {
            RoutesChanged = true;
            _reloaded.Add("cluster routes");
        }
    }

    /// <summary>host[:port]: a port that is not a number fails as Go's strconv.Atoi does in nats-server's parseHostPort.</summary>
    private static string? AdvertisePortError(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        string port = colon < 0 ? "0" : hostPort[(colon + 1)..].Trim();
        return int.TryParse(port, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? null
            : $"strconv.Atoi: parsing \"{port}\": invalid syntax";
    }

    /// <summary>Accounts and their users reload live; re-linking exports and imports needs a restart.</summary>
    private void AccountLinks()
    {
        static string Links(ServerOptions o) => string.Join(";", o.Accounts.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a =>
            a.Name + ":" + string.Join(",", a.Exports.Select(e => $"{e.Kind}/{e.Subject}/{string.Join("+", e.Accounts)}/{e.ResponseType}/{e.ResponseThreshold}"))
            + ":" + string.Join(",", a.Imports.Select(i => $"{i.Kind}/{i.Account}/{i.Subject}/{i.LocalSubject}/{i.Share}"))));
        if (Links(_old) != Links(_new) && (_old.Accounts.Any(a => a.Exports.Count + a.Imports.Count > 0) || _new.Accounts.Any(a => a.Exports.Count + a.Imports.Count > 0)))
        {
            throw new NatsServerException("config reload not supported for accounts exports/imports by NatsSharp yet: restart the server to apply them");
        }
    }

    private static bool SameRoutes(ClusterOptions a, ClusterOptions b) =>
        a.Routes.Select(r => r.ToString()).Order(StringComparer.Ordinal).SequenceEqual(b.Routes.Select(r => r.ToString()).Order(StringComparer.Ordinal), StringComparer.Ordinal);

    private static string Describe(Auth.Permissions? p) => p is null ? "" :
        $"{string.Join(",", p.Publish?.Allow ?? [])}|{string.Join(",", p.Publish?.Deny ?? [])}|{string.Join(",", p.Subscribe?.Allow ?? [])}|{string.Join(",", p.Subscribe?.Deny ?? [])}";


    private void Fixed<T>(string goName, Func<ServerOptions, T> get, [CallerArgumentExpression(nameof(get))] string property = "")
    {
        Cover(property);
        T before = get(_old);
        T after = get(_new);
        if (!EqualityComparer<T>.Default.Equals(before, after))
        {
            throw new NatsServerException($"config reload not supported for {goName}: old={Text(before)}, new={Text(after)}");
        }
    }

    private bool Live<T>(string name, Func<ServerOptions, T> get, [CallerArgumentExpression(nameof(get))] string property = "")
    {
        Cover(property);
        T after = get(_new);
        if (EqualityComparer<T>.Default.Equals(get(_old), after))
        {
            return false;
        }

        _reloaded.Add($"{name} = {Text(after)}");
        return true;
    }

    private void LiveLogging<T>(string name, Func<ServerOptions, T> get, [CallerArgumentExpression(nameof(get))] string property = "") =>
        LoggingChanged |= Live(name, get, property);

    /// <summary>Reloaded without a line of its own (another line covers it).</summary>
    private void Covered<T>(Func<ServerOptions, T> get, [CallerArgumentExpression(nameof(get))] string property = "") => Cover(property);

    /// <summary>
    /// no_auth_user may only go away together with its user, as in nats-server; any other change
    /// is refused.
    /// </summary>
    private void NoAuthUser()
    {
        Cover("o => o.NoAuthUser");
        string old = _old.NoAuthUser;
        string next = _new.NoAuthUser;
        if (old == next || (old.Length > 0 && next.Length == 0 && !_new.Users.Any(u => u.Username == old)))
        {
            return;
        }

        throw new NatsServerException($"config reload not supported for NoAuthUser: old={old}, new={next}");
    }

    /// <summary>
    /// nats-server compares its TLS config by pointer, so a server with TLS always logs
    /// "tls = enabled"; turning TLS on or off is checked by the server (it needs a restart).
    /// </summary>
    private void TlsBlock()
    {
        Covered(o => o.TlsCertFile);
        Covered(o => o.TlsKeyFile);
        Covered(o => o.TlsCaFile);
        Covered(o => o.TlsVerify);
        Covered(o => o.TlsMap);
        Covered(o => o.TlsCipherSuites);
        Covered(o => o.TlsCurvePreferences);
        Covered(o => o.TlsPinnedCerts);
        Covered(o => o.TlsRateLimit);
        Covered(o => o.TlsWithoutCertificate); // on or off needs a restart: checked by the server
        Fixed("AllowNonTLS", o => o.AllowNonTls);
        if (_new.TlsEnabled)
        {
            _reloaded.Add("tls = enabled");
        }

        Live("tls timeout", o => o.TlsTimeout.TotalSeconds);
    }

    /// <summary>nats-server reloads only the leafnode TLS settings; NatsSharp refuses any leafnodes change for now.</summary>
    private void LeafBlock()
    {
        Cover("o => o.LeafNodes");
        if (!LeafNodes.LeafNodeOptions.SameSettings(_old.LeafNodes, _new.LeafNodes))
        {
            throw new NatsServerException("config reload not supported for leafnodes by NatsSharp yet: restart the server to apply it");
        }
    }

    /// <summary>nats-server refuses any websocket change on reload (its TLS files aside); NatsSharp refuses those too.</summary>
    private void WebSocketBlock()
    {
        Cover("o => o.WebSocket");
        WebSocket.WebSocketOptions? a = _old.WebSocket;
        WebSocket.WebSocketOptions? b = _new.WebSocket;
        if (a is null ? b is not null : !a.SameAs(b))
        {
            throw new NatsServerException("config reload not supported for Websocket: restart the server to apply it");
        }
    }

    /// <summary>
    /// JetStream, as nats-server's diffOptions: while it runs, its limits and store directory cannot
    /// change; going back to "unset" is allowed only when JetStream is turned off in the same reload.
    /// Turning it on or off is reloadable: <c>Reloaded: JetStream</c>, then the server starts or stops it.
    /// </summary>
    private void JetStreamBlock()
    {
        Cover("o => o.JetStream");
        Cover("o => o.StoreDir");
        JetStream.JetStreamOptions? before = _old.JetStream;
        JetStream.JetStreamOptions? after = _new.JetStream;
        bool running = before is not null;
        bool unsetLimits = false;
        foreach ((long oldLimit, long newLimit) in new[] { (before?.MaxMemory ?? -1, after?.MaxMemory ?? -1), (before?.MaxStore ?? -1, after?.MaxStore ?? -1) })
        {
            if (!running || oldLimit == newLimit)
            {
                continue;
            }

            if (newLimit == -1)
            {
                unsetLimits = true; // an error unless JetStream is turned off
            }
            else if (oldLimit == -1)
            {
                throw new NatsServerException("config reload not supported for jetstream dynamic max memory and store");
            }
            else
            {
                throw new NatsServerException("config reload not supported for jetstream max memory and store");
            }
        }

        string oldDomain = before?.Domain ?? "";
        string newDomain = after?.Domain ?? "";
        if (oldDomain != newDomain)
        {
            throw new NatsServerException($"config reload not supported for JetStreamDomain: old={oldDomain}, new={newDomain}");
        }

        // nats-server has one StoreDir: the block's store_dir, else the top-level one.
        static string Dir(ServerOptions o) => o.JetStream is { StoreDir.Length: > 0 } js ? js.StoreDir : o.StoreDir;
        bool unsetDir = false;
        if (running && Dir(_old) != Dir(_new))
        {
            if (Dir(_new).Length > 0)
            {
                throw new NatsServerException("config reload not supported for jetstream storage directory");
            }

            unsetDir = true;
        }

        if (after is not null && unsetLimits)
        {
            throw new NatsServerException("config reload not supported for jetstream max memory and max store");
        }

        if (after is not null && unsetDir)
        {
            throw new NatsServerException("config reload not supported for jetstream storage dir");
        }

        if (running != (after is not null))
        {
            _reloaded.Add("JetStream");
        }
    }

    /// <summary>A secret: the line says that it changed, never the value.</summary>
    private void Changed(string line, Func<ServerOptions, string> get, [CallerArgumentExpression(nameof(get))] string property = "")
    {
        Cover(property);
        if (get(_old) != get(_new))
        {
            _reloaded.Add(line);
        }
    }

    /// <summary>Records "Name" from the lambda text "o => o.Name[.More]".</summary>
    private void Cover(string lambda)
    {
        int dot = lambda.IndexOf("o.", StringComparison.Ordinal);
        string rest = dot < 0 ? lambda : lambda[(dot + 2)..];
        int end = rest.IndexOfAny(['.', ' ', ')']);
        _covered.Add(end < 0 ? rest : rest[..end]);
    }

    /// <summary>Values as Go's %v prints them.</summary>
    private static string Text<T>(T value) => value switch
    {
        bool b => b ? "true" : "false",
        TimeSpan t => Durations.Format(t),
        double d => d.ToString("G", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
