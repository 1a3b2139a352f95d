using NatsSharp.Server;
using NatsSharp.Server.Cluster;

namespace NatsSharp.CommandLine;

/// <summary>
/// The nats-server command line. <see cref="Parse"/> applies the flags onto a
/// <see cref="ServerOptions"/>; the daemon calls it before and after reading the config
/// file, so a flag always wins over the file (as nats-server does).
/// </summary>
internal sealed class CommandLineOptions
{
    public string ConfigFile { get; private set; } = "";
    public bool TestConfig { get; private set; }
    public string Signal { get; private set; } = "";
    public bool ShowHelp { get; private set; }
    public bool ShowVersion { get; private set; }
    public bool ShowTlsHelp { get; private set; }

    /// <summary>--routes as given; applied by <see cref="ApplyRoutes"/> once the config file is read.</summary>
    public string? RoutesFlag { get; private set; }

    // null: no TLS flag given; true: --tls or a --tls* file flag; false: --tls=false.
    private bool? _tlsFlag;

    /// <summary>Words left after the flags ("version", "help", or an error).</summary>
    public string[] Rest { get; private set; } = [];

    /// <summary>Flags naming features this build does not have yet, for a start-up warning.</summary>
    public List<string> Unavailable { get; } = [];

    public static CommandLineOptions Parse(string[] args, ServerOptions target)
    {
        var result = new CommandLineOptions();
        FlagSet flags = result.Define(target);
        result.Rest = flags.Parse(args);
        return result;
    }

    private FlagSet Define(ServerOptions o)
    {
        var f = new FlagSet();

        // Server options.
        f.String(["a", "addr", "net"], v => o.Host = v);
        f.Int(["p", "port"], v => o.Port = v);
        f.String(["n", "name", "server_name"], v => o.ServerName = v);
        f.String(["P", "pid"], v => o.PidFile = v);
        f.Int(["m", "http_port"], v => o.HttpPort = v);
        f.Int(["ms", "https_port"], v => o.HttpsPort = v);
        f.String(["c", "config"], v => ConfigFile = v);
        f.Bool(["t"], v => TestConfig = v);
        f.String(["sl", "signal"], v => Signal = v);
        f.String(["client_advertise"], v => o.ClientAdvertise = v);
        f.String(["ports_file_dir"], v => o.PortsFileDir = v);

        // Logging.
        f.String(["l", "log"], v => o.LogFile = v);
        f.Bool(["T", "logtime"], v => o.Logtime = v);
        f.Bool(["s", "syslog"], v => o.Syslog = v);
        f.String(["r", "remote_syslog"], v => o.RemoteSyslog = v);
        f.Bool(["D", "debug"], v => o.Debug = v);
        f.Bool(["V", "trace"], v => o.Trace = v);
        f.Bool(["VV"], v => o.Trace = o.TraceVerbose = v);
        f.Bool(["DV"], v => o.Debug = o.Trace = v);
        f.Bool(["DVV"], v => o.Debug = o.Trace = o.TraceVerbose = v);
        f.Long(["log_size_limit"], v => o.LogSizeLimit = v);
        f.Int(["max_traced_msg_len"], v => o.MaxTracedMsgLen = v);
        f.String(["log_format"], v => o.LogFormat = v is "text" or "json" ? v : throw new FormatException()); // NatsSharp's own

        // JetStream.
        f.Bool(["js", "jetstream"], v => o.JetStream = v ? o.JetStream ?? new NatsSharp.Server.JetStream.JetStreamOptions() : null);
        f.String(["sd", "store_dir"], v => o.StoreDir = v);

        // Authorization.
        f.String(["user"], v => o.Username = v);
        f.String(["pass"], v => o.Password = v);
        f.String(["auth"], v => o.AuthToken = v);

        // TLS: any of these turns client TLS on (unless --tls=false), as in nats-server.
        f.Bool(["tls"], v => _tlsFlag = v);
        f.String(["tlscert"], v => SetTls(() => o.TlsCertFile = v));
        f.String(["tlskey"], v => SetTls(() => o.TlsKeyFile = v));
        f.Bool(["tlsverify"], v => SetTls(() => o.TlsVerify = v));
        f.String(["tlscacert"], v => SetTls(() => o.TlsCaFile = v));

        // Clustering.
        f.String(["routes"], v => RoutesFlag = v);
        f.String(["cluster", "cluster_listen"], v => ClusterFromUrl(o, v));
        f.String(["cluster_name"], v => Cluster(o).Name = v);
        f.Bool(["no_advertise"], v => Cluster(o).NoAdvertise = v);
        f.String(["cluster_advertise"], v => Cluster(o).Advertise = v);
        f.Int(["connect_retries"], v => Cluster(o).ConnectRetries = v);
        f.Int(["profile"], v => Note(v != 0, "profiling (--profile)"));

        // Common.
        f.Bool(["h", "help"], v => ShowHelp = v);
        f.Bool(["v", "version"], v => ShowVersion = v);
        f.Bool(["help_tls"], v => ShowTlsHelp = v);
        return f;
    }

    private static ClusterOptions Cluster(ServerOptions o) => o.Cluster ??= new ClusterOptions();

    /// <summary>--cluster nats://[user:pass@]host:port: the route listener, with route credentials in the URL.</summary>
    private static void ClusterFromUrl(ServerOptions o, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? url) || url.Host.Length == 0)
        {
            throw new FormatException();
        }

        ClusterOptions cluster = Cluster(o);
        cluster.Host = url.Host;
        cluster.Port = url.Port > 0 ? url.Port : ClusterOptions.DefaultPort;
        if (url.UserInfo.Length > 0)
        {
            string[] parts = url.UserInfo.Split(':', 2);
            cluster.Username = Uri.UnescapeDataString(parts[0]);
            cluster.Password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }
    }

    /// <summary>Applies --routes (comma separated); nats-server refuses them without a cluster listener.</summary>
    public void ApplyRoutes(ServerOptions o)
    {
        if (string.IsNullOrEmpty(RoutesFlag))
        {
            return;
        }

        if (o.Cluster is null)
        {
            throw new FlagException("solicited routes require cluster capabilities, e.g. --cluster");
        }

        o.Cluster.Routes = [];
        foreach (string part in RoutesFlag.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!NatsSharp.Server.Configuration.ConfigBinder.TryParseRouteUrl(part, out Uri? url))
            {
                throw new FlagException($"error parsing route url [\"{part}\"]");
            }

            o.Cluster.Routes.Add(url);
        }
    }

    private void SetTls(Action set)
    {
        set();
        _tlsFlag ??= true;
    }

    /// <summary>nats-server's overrideTLS: TLS flags need a certificate and a key. Throws NatsServerException.</summary>
    public void ValidateTls(ServerOptions options)
    {
        if (_tlsFlag != true)
        {
            if (_tlsFlag == false)
            {
                options.TlsCertFile = "";
                options.TlsWithoutCertificate = false;
            }

            return;
        }

        if (options.TlsCertFile.Length == 0)
        {
            throw new NatsServerException("TLS Server certificate must be present and valid");
        }

        if (options.TlsKeyFile.Length == 0)
        {
            throw new NatsServerException("TLS Server private key must be present and valid");
        }
    }

    private void Note(bool used, string feature)
    {
        if (used && !Unavailable.Contains(feature))
        {
            Unavailable.Add(feature);
        }
    }
}
