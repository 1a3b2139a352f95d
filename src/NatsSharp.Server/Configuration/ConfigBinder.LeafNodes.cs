using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>The <c>leafnodes { }</c> block (alias <c>leaf</c>).</summary>
internal static partial class ConfigBinder
{
    private static void BindLeafNodes(ConfigValue value, ServerOptions o, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Map));
            return;
        }

        var leaf = o.LeafNodes?.Clone() ?? new LeafNodeOptions();
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "listen":
                    if (TryParseListen(item, errors, out string host, out int port))
                    {
                        leaf.Host = host.Length == 0 ? "0.0.0.0" : host;
                        leaf.Port = port;
                    }

                    break;
                case "host":
                case "net":
                    BindString(item, errors, s => leaf.Host = s);
                    break;
                case "port":
                    BindInt32(key, item, errors, n => leaf.Port = n);
                    break;
                case "reconnect":
                case "reconnect_delay":
                case "reconnect_interval":
                    // An integer number of seconds; "2s" is rejected as nats-server does.
                    if (item.Kind != ConfigValueKind.Integer)
                    {
                        errors.Add($"{item.Position}: interface conversion: interface {{}} is {item.GoTypeName}, not int64");
                    }
                    else
                    {
                        leaf.ReconnectDelay = TimeSpan.FromSeconds(item.AsLong);
                    }

                    break;
                case "authorization":
                    BindLeafAuthorization(item, leaf, errors);
                    break;
                case "remotes":
                    BindLeafRemotes(item, leaf, errors);
                    break;
                case "compression":
                    BindCompression(item, errors, c => leaf.Compression = c);
                    break;
                case "tls":
                    BindLeafHubTls(item, leaf, errors);
                    break;
                case "advertise":
                case "leafnode_advertise":
                    BindString(item, errors, a => leaf.Advertise = a);
                    break;
                case "no_advertise":
                    BindBool(item, errors, b => leaf.NoAdvertise = b);
                    break;
                case "min_version":
                case "minimum_version":
                    // Accepted; not used yet (docs/leafnodes.md).
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                    }

                    break;
            }
        }

        CheckLeafHubTls(value, leaf, errors);
        o.LeafNodes = leaf;
    }

    /// <summary>
    /// <c>authorization { user, password, account, timeout, users: [ {user, password, account} ] }</c>;
    /// whether the accounts exist is checked at start-up, as nats-server does.
    /// </summary>
    private static void BindLeafAuthorization(ConfigValue item, LeafNodeOptions leaf, List<string> errors) =>
        BindSingleUserAuthorization(item, errors, s => leaf.Username = s, s => leaf.Password = s, t => leaf.AuthTimeout = t, (key, value) =>
        {
            switch (key)
            {
                case "account":
                    BindString(value, errors, s => leaf.Account = s);
                    return true;
                case "users":
                    BindLeafUsers(value, leaf, errors);
                    return true;
                default:
                    return false;
            }
        });

    /// <summary>nats-server's parseLeafUsers: a list of <c>{ user, password, account }</c>.</summary>
    private static void BindLeafUsers(ConfigValue value, LeafNodeOptions leaf, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Array)
        {
            errors.Add($"{value.Position}: Expected users field to be an array, got {value.ToGoString()}");
            return;
        }

        leaf.Users = [];
        foreach (ConfigValue entry in value.AsArray)
        {
            if (entry.Kind != ConfigValueKind.Map)
            {
                errors.Add($"{entry.Position}: Expected user entry to be a map/struct, got {entry.ToGoString()}");
                continue;
            }

            string user = "", password = "", account = "";
            foreach (var (key, v) in entry.AsMap.Entries)
            {
                switch (key.ToLowerInvariant())
                {
                    case "user":
                    case "username":
                        BindString(v, errors, s => user = s);
                        break;
                    case "pass":
                    case "password":
                        BindString(v, errors, s => password = s);
                        break;
                    case "account":
                        BindString(v, errors, s => account = s);
                        break;
                    default:
                        if (!v.IsUsedVariable)
                        {
                            errors.Add($"{v.Position}: unknown field {GoQuote.Quote(key)}");
                        }

                        break;
                }
            }

            leaf.Users.Add(new LeafUser { Username = user, Password = password, Account = account });
        }
    }

    /// <summary>
    /// <c>compression</c> (nats-server 2.10): a mode string, a boolean, or
    /// <c>{ mode: s2_auto, rtt_thresholds: ["10ms", ...] }</c>. NatsSharp validates it and never compresses.
    /// </summary>
    private static void BindCompression(ConfigValue value, List<string> errors, Action<CompressionOptions> set)
    {
        string mode;
        var rtts = new List<TimeSpan>();
        ConfigPosition at = value.Position;
        switch (value.Kind)
        {
            case ConfigValueKind.String:
                mode = value.AsString;
                break;
            case ConfigValueKind.Bool:
                mode = value.AsBool ? CompressionOptions.S2Auto : CompressionOptions.Off;
                break;
            case ConfigValueKind.Map:
                mode = "";
                foreach (var (key, v) in value.AsMap.Entries)
                {
                    switch (key.ToLowerInvariant())
                    {
                        case "mode":
                            BindString(v, errors, s => (mode, at) = (s, v.Position));
                            break;
                        case "rtt_thresholds":
                        case "thresholds":
                        case "rtts":
                        case "rtt":
                            BindRttThresholds(v, errors, rtts);
                            break;
                        default:
                            if (!v.IsUsedVariable)
                            {
                                errors.Add($"{v.Position}: unknown field {GoQuote.Quote(key)}");
                            }

                            break;
                    }
                }

                break;
            default:
                errors.Add($"{value.Position}: field \"compression\" should be a boolean or a structure, got {value.GoTypeName}");
                return;
        }

        if (CompressionOptions.Normalize(mode, rtts, out string error) is null)
        {
            errors.Add($"{at}: {error}");
            return;
        }

        set(new CompressionOptions { Mode = mode, RttThresholds = rtts });
    }

    private static void BindRttThresholds(ConfigValue value, List<string> errors, List<TimeSpan> rtts)
    {
        if (value.Kind != ConfigValueKind.Array)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Array));
            return;
        }

        foreach (ConfigValue v in value.AsArray)
        {
            if (TryType(v, ConfigValueKind.String, errors))
            {
                if (GoDuration.TryParse(v.AsString, out long nanoseconds, out string error))
                {
                    rtts.Add(FromNanoseconds(nanoseconds));
                }
                else
                {
                    errors.Add($"{v.Position}: {error}");
                }
            }
        }
    }

    private static void BindLeafRemotes(ConfigValue item, LeafNodeOptions leaf, List<string> errors)
    {
        if (item.Kind != ConfigValueKind.Array)
        {
            errors.Add(TypeMismatch(item, ConfigValueKind.Array));
            return;
        }

        leaf.Remotes = [];
        foreach (ConfigValue entry in item.AsArray)
        {
            if (entry.Kind != ConfigValueKind.Map)
            {
                errors.Add(TypeMismatch(entry, ConfigValueKind.Map));
                continue;
            }

            var remote = new LeafRemote();
            foreach (var (key, v) in entry.AsMap.Entries)
            {
                switch (key.ToLowerInvariant())
                {
                    case "url":
                    case "urls":
                        IEnumerable<ConfigValue> urls = v.Kind == ConfigValueKind.Array ? v.AsArray : [v];
                        foreach (ConfigValue u in urls)
                        {
                            if (u.Kind != ConfigValueKind.String || !Uri.TryCreate(u.AsString.Contains("://", StringComparison.Ordinal) ? u.AsString : "nats-leaf://" + u.AsString, UriKind.Absolute, out Uri? url) || url.Host.Length == 0)
                            {
                                errors.Add($"{u.Position}: error parsing remote url [{GoQuote.Quote(u.Kind == ConfigValueKind.String ? u.AsString : u.ToGoString())}]");
                                continue;
                            }

                            remote.Urls.Add(url);
                        }

                        break;
                    case "account":
                    case "local":
                        BindString(v, errors, s => remote.LocalAccount = s);
                        break;
                    case "compression":
                        BindCompression(v, errors, c => remote.Compression = c);
                        break;
                    case "deny_imports":
                    case "deny_import":
                        remote.DenyImports = ParsePermSubjects(v, errors) ?? [];
                        break;
                    case "deny_exports":
                    case "deny_export":
                        remote.DenyExports = ParsePermSubjects(v, errors) ?? [];
                        break;
                    default:
                        // hub, deny_*: accepted, not used yet.
                        BindLeafRemoteTransport(key.ToLowerInvariant(), v, remote, errors);
                        break;
                }
            }

            CheckLeafRemoteUrls(entry, remote, errors);

            leaf.Remotes.Add(remote);
        }
    }
}
