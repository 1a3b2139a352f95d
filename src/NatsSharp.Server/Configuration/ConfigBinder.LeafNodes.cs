using NatsSharp.Server.LeafNodes;

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
                case "tls":
                    BindLeafHubTls(item, leaf, errors);
                    break;
                case "advertise":
                case "leafnode_advertise":
                case "no_advertise":
                case "min_version":
                case "minimum_version":
                    // Accepted; not used yet (docs/leafnodes.md).
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: unknown field {GoCompat.Quote(key)}");
                    }

                    break;
            }
        }

        CheckLeafHubTls(value, leaf, errors);
        o.LeafNodes = leaf;
    }

    // Binding leafs to accounts comes with accounts; "account" and "users" are accepted and $G is used.
    private static void BindLeafAuthorization(ConfigValue item, LeafNodeOptions leaf, List<string> errors) =>
        BindSingleUserAuthorization(item, errors, s => leaf.Username = s, s => leaf.Password = s, t => leaf.AuthTimeout = t, (key, _) => key is "account" or "users");

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
                                errors.Add($"{u.Position}: error parsing remote url [{GoCompat.Quote(u.Kind == ConfigValueKind.String ? u.AsString : u.ToGoString())}]");
                                continue;
                            }

                            remote.Urls.Add(url);
                        }

                        break;
                    default:
                        // account, hub, deny_*: accepted, not used yet.
                        BindLeafRemoteTransport(key.ToLowerInvariant(), v, remote, errors);
                        break;
                }
            }

            CheckLeafRemoteUrls(entry, remote, errors);

            leaf.Remotes.Add(remote);
        }
    }
}
