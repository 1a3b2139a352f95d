using NatsSharp.Server.Cluster;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>The <c>cluster { }</c> block.</summary>
internal static partial class ConfigBinder
{
    private static void BindCluster(ConfigValue value, ServerOptions o, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Map));
            return;
        }

        var cluster = o.Cluster?.Clone() ?? new ClusterOptions();
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "name":
                    BindString(item, errors, s => cluster.Name = s);
                    break;
                case "listen":
                    if (TryParseListen(item, errors, out string host, out int port))
                    {
                        cluster.Host = host.Length == 0 ? "0.0.0.0" : host;
                        cluster.Port = port;
                    }

                    break;
                case "host":
                case "net":
                    BindString(item, errors, s => cluster.Host = s);
                    break;
                case "port":
                    BindInt32(key, item, errors, n => cluster.Port = n);
                    break;
                case "advertise":
                case "cluster_advertise":
                    BindString(item, errors, s => cluster.Advertise = s);
                    break;
                case "no_advertise":
                    BindBool(item, errors, b => cluster.NoAdvertise = b);
                    break;
                case "connect_retries":
                    BindInt32(key, item, errors, n => cluster.ConnectRetries = n);
                    break;
                case "routes":
                    BindRoutes(item, cluster, errors);
                    break;
                case "authorization":
                    BindClusterAuthorization(item, cluster, errors);
                    break;
                case "tls":
                    var tls = new Tls.TlsOptions();
                    BindTls(item, tls, errors);
                    cluster.Tls = tls.HasCertificate ? tls : null;
                    break;
                case "permissions":
                    cluster.Permissions = ParsePermissions(item, errors); // import/export, as publish/subscribe
                    break;
                case "pool_size":
                    errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}"); // 2.10 only
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                    }

                    break;
            }
        }

        o.Cluster = cluster;
    }

    private static void BindRoutes(ConfigValue item, ClusterOptions cluster, List<string> errors)
    {
        IEnumerable<ConfigValue> entries = item.Kind switch
        {
            ConfigValueKind.Array => item.AsArray,
            ConfigValueKind.String => [item],
            _ => [],
        };
        if (item.Kind is not (ConfigValueKind.Array or ConfigValueKind.String))
        {
            errors.Add(TypeMismatch(item, ConfigValueKind.Array));
            return;
        }

        cluster.Routes = [];
        foreach (ConfigValue entry in entries)
        {
            if (entry.Kind != ConfigValueKind.String)
            {
                errors.Add(TypeMismatch(entry, ConfigValueKind.String));
                continue;
            }

            if (!TryParseRouteUrl(entry.AsString, out Uri? url))
            {
                errors.Add($"{entry.Position}: error parsing route url [{GoQuote.Quote(entry.AsString)}]");
                continue;
            }

            cluster.Routes.Add(url);
        }
    }

    /// <summary>Route URLs: nats-route://[user:pass@]host:port (also nats:// and bare host:port).</summary>
    internal static bool TryParseRouteUrl(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url)
    {
        string candidate = text.Contains("://", StringComparison.Ordinal) ? text : "nats-route://" + text;
        if (Uri.TryCreate(candidate, UriKind.Absolute, out url) && url.Host.Length > 0 && url.Port > 0)
        {
            return true;
        }

        url = null;
        return false;
    }

    private static void BindClusterAuthorization(ConfigValue item, ClusterOptions cluster, List<string> errors) =>
        BindSingleUserAuthorization(item, errors, s => cluster.Username = s, s => cluster.Password = s, t => cluster.AuthTimeout = t, (key, value) =>
        {
            if (key is "users" or "token")
            {
                errors.Add($"{item.Position}: Cluster authorization does not allow multiple users");
                return true;
            }

            return false;
        });

    /// <summary>
    /// The one-user <c>authorization { user, password, timeout }</c> of cluster and leafnode blocks;
    /// <paramref name="other"/> handles (and returns true for) the keys each block adds.
    /// </summary>
    private static void BindSingleUserAuthorization(ConfigValue item, List<string> errors, Action<string> user, Action<string> password, Action<TimeSpan> timeout, Func<string, ConfigValue, bool> other)
    {
        if (item.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(item, ConfigValueKind.Map));
            return;
        }

        foreach (var (key, v) in item.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "user":
                case "username":
                    BindString(v, errors, user);
                    break;
                case "pass":
                case "password":
                    BindString(v, errors, password);
                    break;
                case "timeout":
                    timeout(TimeSpan.FromSeconds(v.Kind switch
                    {
                        ConfigValueKind.Integer => v.AsLong,
                        ConfigValueKind.Float => v.AsDouble,
                        _ => 1,
                    }));
                    break;
                default:
                    if (!other(key.ToLowerInvariant(), v) && !v.IsUsedVariable)
                    {
                        errors.Add($"{v.Position}: unknown field {GoQuote.Quote(key)}");
                    }

                    break;
            }
        }
    }
}
