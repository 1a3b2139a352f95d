using System.Collections.Frozen;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// Maps a parsed config onto <see cref="ServerOptions"/> the way nats-server 2.9.10's option mapper
/// does: keys are matched case-insensitively with their aliases, values are type-checked with Go's
/// wording, every error is collected (file order) and reported at once as <c>file:line:col: message</c>.
/// The target is never modified: options are built on a clone and returned only when the file is valid,
/// so a reload with a bad file changes nothing.
/// </summary>
internal static partial class ConfigBinder
{
    /// <summary>
    /// Top-level keys nats-server 2.9.10 accepts that NatsSharp does not bind yet. They stay in
    /// <see cref="ConfigLoadResult.Tree"/> for the modules that will own them. Scalars among them are
    /// type-checked like nats-server does (see <see cref="ValidateUnbound"/>); blocks are not looked into.
    /// </summary>
    public static readonly FrozenSet<string> UnboundKeys = new[]
    {
        // Clustering, leafnodes, gateways.
        "gateway", "connect_error_reports", "reconnect_error_reports",
        // TLS and OCSP.
        "ocsp",
        // Accounts, multi-user auth, JWT/operator mode.
        "system_account", "system", "no_system_account", "no_system", "no_sys_acc",
        "operator", "operators", "roots", "root", "root_operators", "root_operator",
        "resolver", "account_resolver", "accounts_resolver", "resolver_tls", "resolver_preload",
        "resolver_pinned_accounts", "trusted", "trusted_keys",
        // JetStream, MQTT.
        "default_js_domain", "mqtt",
        // Misc.
        "max_sub_tokens", "max_subscription_tokens", "prof_port",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses and binds a file onto fresh default options.</summary>
    public static ConfigLoadResult Load(string path) => Load(path, new ServerOptions());

    /// <summary>
    /// Parses and binds a file onto a copy of <paramref name="baseline"/> (which is not modified).
    /// Throws <see cref="ConfigException"/> if nats-server would refuse to start with it.
    /// <paramref name="environment"/> resolves <c>$VAR</c> fallbacks (default: the process environment).
    /// </summary>
    public static ConfigLoadResult Load(string path, ServerOptions baseline, Func<string, string?>? environment = null)
    {
        ConfigTree tree = ConfigParser.ParseFile(path, environment);
        return Apply(tree, baseline);
    }

    /// <summary>
    /// Binds a parsed tree onto a copy of <paramref name="baseline"/>. Warnings (e.g. an integer
    /// <c>ping_interval</c>) are returned, not printed; errors throw <see cref="ConfigException"/>
    /// (which also carries the warnings found).
    /// </summary>
    public static ConfigLoadResult Apply(ConfigTree tree, ServerOptions baseline)
    {
        ServerOptions options = baseline.Clone();
        if (tree.File.Length > 0)
        {
            options.ConfigFile = tree.File;
        }
        var errors = new List<string>();
        var warnings = new List<string>();

        // nats-server looks at the system account first, by exact key name.
        BindSystemAccount(tree.Root, options, errors);
        BindNoSystemAccount(tree.Root, options);

        foreach (var (key, value) in tree.Root.Entries)
        {
            BindTopLevel(key, value, options, errors, warnings);
        }

        if (errors.Count > 0)
        {
            throw new ConfigException(errors, warnings);
        }
        return new ConfigLoadResult(options, tree, warnings);
    }

    /// <summary>
    /// What <c>nats-server -t -c path</c> would say after its <c>nats-server: </c> prefix, or null when it
    /// would print <c>configuration file &lt;path&gt; is valid</c>. Under <c>-t</c> warnings are fatal.
    /// </summary>
    public static string? Check(string path, Func<string, string?>? environment = null)
    {
        try
        {
            ConfigLoadResult result = Load(path, new ServerOptions(), environment);
            return result.Warnings.Count > 0 ? string.Join("\n", result.Warnings) : null;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    private static void BindTopLevel(string key, ConfigValue value, ServerOptions o, List<string> errors, List<string> warnings)
    {
        ConfigPosition at = value.Position;
        switch (key.ToLowerInvariant())
        {
            case "listen":
                if (TryParseListen(value, errors, out string host, out int port))
                {
                    o.Host = host.Length == 0 ? "0.0.0.0" : host;
                    o.Port = port;
                }
                break;
            case "client_advertise":
                BindString(value, errors, s => o.ClientAdvertise = s);
                break;
            case "port":
                BindInt32(key, value, errors, n => o.Port = n);
                break;
            case "server_name":
                BindString(value, errors, s => o.ServerName = s);
                break;
            case "server_tags":
                BindServerTags(value, errors, o);
                break;
            case "host":
            case "net":
                BindString(value, errors, s => o.Host = s);
                break;
            case "debug":
                BindBool(value, errors, b => o.Debug = b);
                break;
            case "trace":
                BindBool(value, errors, b => o.Trace = b);
                break;
            case "trace_verbose":
                BindBool(value, errors, b =>
                {
                    o.TraceVerbose = b;
                    o.Trace = b;
                });
                break;
            case "logtime":
                BindBool(value, errors, b => o.Logtime = b);
                break;
            case "disable_sublist_cache":
            case "no_sublist_cache":
                BindBool(value, errors, b => o.DisableSublistCache = b);
                break;
            case "no_header_support":
                BindBool(value, errors, b => o.NoHeaderSupport = b);
                break;
            case "cluster":
                BindCluster(value, o, errors);
                break;
            case "accounts":
                BindAccounts(value, o, errors);
                break;
            case "mappings":
            case "maps":
                o.Mappings = BindMappings(value, errors);
                break;
            case "leafnodes":
            case "leaf":
                BindLeafNodes(value, o, errors);
                break;
            case "websocket":
            case "ws":
                BindWebSocket(value, o, errors);
                break;
            case "jetstream":
                BindJetStream(value, o, errors);
                break;
            case "store_dir":
            case "storedir":
                BindString(value, errors, s => o.StoreDir = s);
                break;
            case "authorization":
                BindAuthorization(value, o, errors);
                break;
            case "no_auth_user":
                BindString(value, errors, s => o.NoAuthUser = s);
                break;
            case "tls":
                {
                    int before = errors.Count;
                    var tls = new TlsOptions();
                    BindTls(value, tls, errors, certificateOptional: true); // as nats-server: no certificate at all is accepted
                    if (errors.Count == before)
                    {
                        o.ApplyClientTls(tls);
                        o.TlsWithoutCertificate = !tls.HasCertificate;
                    }
                    break;
                }
            case "allow_non_tls":
                BindBool(value, errors, b => o.AllowNonTls = b);
                break;
            case "http":
                if (TryParseListen(value, errors, out string httpHost, out int httpPort))
                {
                    o.HttpHost = httpHost;
                    o.HttpPort = httpPort;
                }
                break;
            case "https":
                if (TryParseListen(value, errors, out string httpsHost, out int httpsPort))
                {
                    o.HttpHost = httpsHost;
                    o.HttpsPort = httpsPort;
                }
                break;
            case "http_port":
            case "monitor_port":
                BindInt32(key, value, errors, n => o.HttpPort = n);
                break;
            case "https_port":
                BindInt32(key, value, errors, n => o.HttpsPort = n);
                break;
            case "http_base_path":
                BindString(value, errors, s => o.HttpBasePath = s);
                break;
            case "logfile":
            case "log_file":
                BindString(value, errors, s => o.LogFile = s);
                break;
            case "logfile_size_limit":
            case "log_size_limit":
                if (TryInt64(value, errors, out long sizeLimit))
                {
                    o.LogSizeLimit = sizeLimit;
                }
                break;
            case "syslog":
                BindBool(value, errors, b => o.Syslog = b);
                break;
            case "remote_syslog":
                BindString(value, errors, s => o.RemoteSyslog = s);
                break;
            case "log_format": // NatsSharp's own (docs/compatibility.md)
                BindString(value, errors, s =>
                {
                    if (s is "text" or "json")
                    {
                        o.LogFormat = s;
                    }
                    else
                    {
                        errors.Add($"{at}: invalid log_format {GoQuote.Quote(s)}, must be \"text\" or \"json\"");
                    }
                });
                break;
            case "pidfile":
            case "pid_file":
                BindString(value, errors, s => o.PidFile = s);
                break;
            case "ports_file_dir":
                BindString(value, errors, s => o.PortsFileDir = s);
                break;
            case "max_control_line":
                BindInt32Limited(key, value, errors, n => o.MaxControlLine = n);
                break;
            case "max_payload":
                BindInt32Limited(key, value, errors, n => o.MaxPayload = n);
                break;
            case "max_pending":
                if (TryInt64(value, errors, out long maxPending))
                {
                    o.MaxPending = maxPending;
                }
                break;
            case "max_connections":
            case "max_conn":
                BindClampedInt32(value, errors, n => o.MaxConnections = n);
                break;
            case "max_traced_msg_len":
                BindClampedInt32(value, errors, n => o.MaxTracedMsgLen = n);
                break;
            case "max_subscriptions":
            case "max_subs":
                BindClampedInt32(value, errors, n => o.MaxSubscriptions = n);
                break;
            case "ping_interval":
                if (TryParseDuration("ping_interval", value, errors, warnings, out TimeSpan pingInterval))
                {
                    o.PingInterval = pingInterval;
                }
                break;
            case "ping_max":
                BindClampedInt32(value, errors, n => o.PingMax = n);
                break;
            case "write_deadline":
                if (TryParseDuration("write_deadline", value, errors, warnings, out TimeSpan writeDeadline))
                {
                    o.WriteDeadline = writeDeadline;
                }
                break;
            case "lame_duck_duration":
                if (TryStrictDuration("lame_duck_duration", value, errors, out long lameDuck))
                {
                    if (lameDuck < 30L * 1_000_000_000)
                    {
                        errors.Add($"{at}: invalid lame_duck_duration of {GoDuration.Format(lameDuck)}, minimum is 30 seconds");
                    }
                    else
                    {
                        o.LameDuckDuration = FromNanoseconds(lameDuck);
                    }
                }
                break;
            case "lame_duck_grace_period":
                if (TryStrictDuration("lame_duck_grace_period", value, errors, out long grace))
                {
                    if (grace < 0)
                    {
                        errors.Add($"{at}: invalid lame_duck_grace_period, needs to be positive");
                    }
                    else
                    {
                        o.LameDuckGracePeriod = FromNanoseconds(grace);
                    }
                }
                break;
            default:
                if (UnboundKeys.Contains(key))
                {
                    ValidateUnbound(key, value, errors);
                    o.UnboundConfigKeys = [.. o.UnboundConfigKeys, key.ToLowerInvariant()]; // the server warns or refuses at start
                }
                else if (!value.IsUsedVariable)
                {
                    // A key that only exists to be referenced as $key is allowed.
                    errors.Add($"{at}: unknown field {GoQuote.Quote(key)}");
                }
                break;
        }
    }

    /// <summary>
    /// The scalar options we do not bind yet are still type-checked, so <c>-t</c> gives nats-server's
    /// verdict for them. Blocks (cluster, tls, accounts, ...) are accepted as they are for now.
    /// </summary>
    private static void ValidateUnbound(string key, ConfigValue value, List<string> errors)
    {
        switch (key.ToLowerInvariant())
        {
            case "prof_port":
            case "connect_error_reports":
            case "reconnect_error_reports":
                TryInt64(value, errors, out _);
                break;
            case "no_system_account":
            case "no_system":
            case "no_sys_acc":
                TryType(value, ConfigValueKind.Bool, errors);
                break;
            case "max_sub_tokens":
            case "max_subscription_tokens":
                if (TryInt64(value, errors, out long tokens))
                {
                    if (tokens > byte.MaxValue)
                    {
                        errors.Add($"{value.Position}: {key} value is too big");
                    }
                    else if (tokens <= 0)
                    {
                        errors.Add($"{value.Position}: {key} value can not be negative");
                    }
                }
                break;
        }
    }

    private static void BindSystemAccount(ConfigMap root, ServerOptions options, List<string> errors)
    {
        if (!root.TryGetValue("system_account", out ConfigValue value) && !root.TryGetValue("system", out value))
        {
            return;
        }
        if (value.Kind != ConfigValueKind.String)
        {
            errors.Add($"{value.Position}: system account name must be a string");
        }
        else
        {
            options.SystemAccount = value.AsString;
        }
    }

    private static void BindNoSystemAccount(ConfigMap root, ServerOptions options)
    {
        foreach (string key in (string[])["no_system_account", "no_system", "no_sys_acc"])
        {
            if (root.TryGetValue(key, out ConfigValue value) && value.Kind == ConfigValueKind.Bool)
            {
                options.NoSystemAccount = value.AsBool;
            }
        }
    }

    private static void BindServerTags(ConfigValue value, List<string> errors, ServerOptions o)
    {
        IEnumerable<ConfigValue> tags;
        switch (value.Kind)
        {
            case ConfigValueKind.String:
                tags = [value];
                break;
            case ConfigValueKind.Array:
                if (value.AsArray.Any(tag => tag.Kind != ConfigValueKind.String))
                {
                    errors.Add($"{value.Position}: error parsing tags: unsupported type *conf.token where string is expected");
                    return;
                }

                tags = value.AsArray;
                break;
            default:
                errors.Add($"{value.Position}: error parsing tags: unsupported type {value.GoTypeName}");
                return;
        }

        // As jwt.TagList.Add: trimmed, lower-cased, no empty or repeated tag.
        var list = new List<string>();
        foreach (ConfigValue tag in tags)
        {
            string t = tag.AsString.Trim().ToLowerInvariant();
            if (t.Length > 0 && !list.Contains(t))
            {
                list.Add(t);
            }
        }

        o.ServerTags = list;
    }

    // ---- value helpers ---------------------------------------------------------------------

    /// <summary>"listen"-style values: a bare port number or a "host:port" string.</summary>
    private static bool TryParseListen(ConfigValue value, List<string> errors, out string host, out int port)
    {
        host = "";
        port = 0;
        long number;
        switch (value.Kind)
        {
            case ConfigValueKind.Integer:
                number = value.AsLong;
                break;
            case ConfigValueKind.String:
                string text = value.AsString;
                if (!GoCompat.TrySplitHostPort(text, out host, out string portText))
                {
                    errors.Add($"{value.Position}: could not parse address string {GoQuote.Quote(text)}");
                    return false;
                }
                if (!GoCompat.TryAtoi(portText, out number))
                {
                    errors.Add($"{value.Position}: could not parse port {GoQuote.Quote(portText)}");
                    return false;
                }
                break;
            default:
                errors.Add($"{value.Position}: expected port or host:port, got {value.GoTypeName}");
                return false;
        }
        if (number is > int.MaxValue or < int.MinValue)
        {
            // nats-server keeps a 64-bit int here; no real port is this big.
            errors.Add($"{value.Position}: could not parse port {GoQuote.Quote(number.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            return false;
        }
        port = (int)number;
        return true;
    }

    /// <summary>
    /// ping_interval / write_deadline: a Go duration string; a bare integer still works as seconds but
    /// earns a warning (fatal under -t).
    /// </summary>
    private static bool TryParseDuration(string field, ConfigValue value, List<string> errors, List<string> warnings, out TimeSpan duration)
    {
        duration = default;
        if (value.Kind == ConfigValueKind.String)
        {
            if (!GoDuration.TryParse(value.AsString, out long nanoseconds, out string error))
            {
                errors.Add($"{value.Position}: error parsing {field}: {error}");
                return false;
            }
            duration = FromNanoseconds(nanoseconds);
            return true;
        }

        warnings.Add($"{value.Position}: invalid use of field \"{field}\": {field} should be converted to a duration");
        if (!TryInt64(value, errors, out long seconds))
        {
            return false;
        }
        duration = FromNanoseconds(unchecked(seconds * 1_000_000_000));
        return true;
    }

    /// <summary>lame_duck_*: only a duration string is accepted.</summary>
    private static bool TryStrictDuration(string field, ConfigValue value, List<string> errors, out long nanoseconds)
    {
        nanoseconds = 0;
        if (!TryType(value, ConfigValueKind.String, errors))
        {
            return false;
        }
        if (!GoDuration.TryParse(value.AsString, out nanoseconds, out string error))
        {
            errors.Add($"{value.Position}: error parsing {field}: {error}");
            return false;
        }
        return true;
    }

    private static TimeSpan FromNanoseconds(long nanoseconds) => TimeSpan.FromTicks(nanoseconds / 100);

    private static void BindString(ConfigValue value, List<string> errors, Action<string> set)
    {
        if (TryType(value, ConfigValueKind.String, errors))
        {
            set(value.AsString);
        }
    }

    private static void BindBool(ConfigValue value, List<string> errors, Action<bool> set)
    {
        if (TryType(value, ConfigValueKind.Bool, errors))
        {
            set(value.AsBool);
        }
    }

    /// <summary>An integer option held in an <see cref="int"/> (nats-server's Go int is 64-bit).</summary>
    private static void BindInt32(string key, ConfigValue value, List<string> errors, Action<int> set)
    {
        if (!TryInt64(value, errors, out long n))
        {
            return;
        }
        if (n is > int.MaxValue or < int.MinValue)
        {
            errors.Add($"{value.Position}: {key} value is too {(n > 0 ? "big" : "small")}");
            return;
        }
        set((int)n);
    }

    /// <summary>
    /// A limit held in an <see cref="int"/>: nats-server accepts any 64-bit value, and anything past
    /// the int range means the same in practice, so it is clamped rather than rejected.
    /// </summary>
    private static void BindClampedInt32(ConfigValue value, List<string> errors, Action<int> set)
    {
        if (TryInt64(value, errors, out long n))
        {
            set((int)Math.Clamp(n, int.MinValue, int.MaxValue));
        }
    }

    /// <summary>max_payload / max_control_line: nats-server rejects values over 2^31-1 with these words.</summary>
    private static void BindInt32Limited(string key, ConfigValue value, List<string> errors, Action<int> set)
    {
        if (!TryInt64(value, errors, out long n))
        {
            return;
        }
        if (n > int.MaxValue)
        {
            errors.Add($"{value.Position}: {key} value is too big");
            return;
        }
        set(unchecked((int)n));
    }

    private static bool TryInt64(ConfigValue value, List<string> errors, out long n)
    {
        n = 0;
        if (!TryType(value, ConfigValueKind.Integer, errors))
        {
            return false;
        }
        n = value.AsLong;
        return true;
    }

    private static bool TryType(ConfigValue value, ConfigValueKind want, List<string> errors)
    {
        if (value.Kind == want)
        {
            return true;
        }
        errors.Add(TypeMismatch(value, want));
        return false;
    }

    private static string TypeMismatch(ConfigValue value, ConfigValueKind want) =>
        $"{value.Position}: interface conversion: interface {{}} is {value.GoTypeName}, not {ConfigValue.GoTypeNameOf(want)}";
}
