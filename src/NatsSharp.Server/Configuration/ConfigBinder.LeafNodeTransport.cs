using NatsSharp.Server.LeafNodes;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// How leafnode connections travel: the hub's <c>leafnodes.tls</c>, and each remote's <c>tls</c>,
/// <c>credentials</c>, <c>ws_compression</c>, <c>ws_no_masking</c> and URL schemes.
/// </summary>
internal static partial class ConfigBinder
{
    private static readonly string[] LeafUrlSchemes = ["nats-leaf", "nats", "tls", "ws", "wss"];

    /// <summary><c>leafnodes { tls { } }</c>: TLS for leaf servers that dial us.</summary>
    private static void BindLeafHubTls(ConfigValue item, LeafNodeOptions leaf, List<string> errors) =>
        leaf.Tls = BindLeafTls(item, errors);

    /// <summary>
    /// The listener needs a certificate (nats-server would start and fail every handshake); with TLS the
    /// default authorization timeout is the TLS timeout plus one second, as nats-server's.
    /// </summary>
    private static void CheckLeafHubTls(ConfigValue block, LeafNodeOptions leaf, List<string> errors)
    {
        if (leaf.Tls is null || block.AsMap.Find("tls") is not { } tls)
        {
            return;
        }

        if (leaf.Port != 0 && !leaf.Tls.HasCertificate)
        {
            errors.Add($"{tls.Position}: leafnode tls: 'cert_file' and 'key_file' are required to accept leafnode connections");
        }

        bool explicitTimeout = block.AsMap.Find("authorization") is { Kind: ConfigValueKind.Map } auth && auth.AsMap.Find("timeout") is not null;
        if (!explicitTimeout)
        {
            leaf.AuthTimeout = leaf.Tls.Timeout + TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>A remote's transport keys; false when <paramref name="key"/> is not one of them.</summary>
    private static bool BindLeafRemoteTransport(string key, ConfigValue value, LeafRemote remote, List<string> errors)
    {
        switch (key)
        {
            case "tls":
                remote.Tls = BindLeafTls(value, errors);
                return true;
            case "creds":
            case "credentials":
                BindString(value, errors, s => remote.Credentials = ExpandHome(s));
                return true;
            case "ws_compress":
            case "ws_compression":
            case "websocket_compress":
            case "websocket_compression":
                BindBool(value, errors, b => remote.WebSocketCompression = b);
                return true;
            case "ws_no_masking":
            case "websocket_no_masking":
                BindBool(value, errors, b => remote.WebSocketNoMasking = b);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Known schemes only, and websocket or not for all the URLs of one remote (nats-server's text).</summary>
    private static void CheckLeafRemoteUrls(ConfigValue entry, LeafRemote remote, List<string> errors)
    {
        if (entry.AsMap.Find("url", "urls") is not { } urls)
        {
            return;
        }

        IEnumerable<ConfigValue> values = urls.Kind == ConfigValueKind.Array ? urls.AsArray : [urls];
        foreach (ConfigValue u in values.Where(v => v.Kind == ConfigValueKind.String))
        {
            int end = u.AsString.IndexOf("://", StringComparison.Ordinal);
            string scheme = end < 0 ? "nats-leaf" : u.AsString[..end].Trim().ToLowerInvariant();
            if (!LeafUrlSchemes.Contains(scheme))
            {
                errors.Add($"{u.Position}: unsupported leafnode url scheme \"{scheme}\" in {GoQuote.Quote(Redact(u.AsString))} (use nats-leaf://, tls://, ws:// or wss://)");
            }
        }

        if (remote.Urls.Select(LeafRemote.IsWebSocketUrl).Distinct().Count() > 1)
        {
            string list = string.Join(" ", values.Where(v => v.Kind == ConfigValueKind.String).Select(v => GoQuote.Quote(Redact(v.AsString.Trim()))));
            errors.Add($"{urls.Position}: remote leaf node configuration cannot have a mix of websocket and non-websocket urls: [{list}]");
        }
    }

    /// <summary>
    /// A leafnode <c>tls { }</c>: the client block's keys, plus <c>insecure</c> and 2.10's
    /// <c>handshake_first</c>; the certificate is optional here (checked for the hub by <see cref="CheckLeafHubTls"/>).
    /// </summary>
    private static Tls.TlsOptions? BindLeafTls(ConfigValue value, List<string> errors)
    {
        int before = errors.Count;
        var result = new Tls.TlsOptions();
        BindTls(value, result, errors, (key, item) => BindLeafTlsExtra(key, item, result, errors), certificateOptional: true);
        return errors.Count > before ? null : result;
    }

    private static bool BindLeafTlsExtra(string key, ConfigValue item, Tls.TlsOptions tls, List<string> errors)
    {
        switch (key)
        {
            case "insecure":
                if (item.Kind != ConfigValueKind.Bool)
                {
                    errors.Add($"{item.Position}: error parsing tls config, expected 'insecure' to be a boolean");
                }
                else
                {
                    tls.Insecure = item.AsBool;
                }

                return true;
            case "handshake_first":
            case "first":
            case "immediate":
                // nats-server 2.10's forms: a boolean or "true"/"on"/"false"/"off".
                bool? first = item.Kind switch
                {
                    ConfigValueKind.Bool => item.AsBool,
                    ConfigValueKind.String => item.AsString.ToLowerInvariant() switch
                    {
                        "true" or "on" => true,
                        "false" or "off" => false,
                        _ => null,
                    },
                    _ => null,
                };
                if (first is { } f)
                {
                    tls.HandshakeFirst = f;
                }
                else if (item.Kind == ConfigValueKind.String)
                {
                    errors.Add($"{item.Position}: field {GoQuote.Quote(key)} value {GoQuote.Quote(item.AsString)} is invalid (NatsSharp has no \"auto\" fallback for leafnodes)");
                }
                else
                {
                    errors.Add($"{item.Position}: field {GoQuote.Quote(key)} should be a boolean or string, got {item.GoTypeName}");
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Go's expandPath: a leading <c>~</c> is the home directory.</summary>
    private static string ExpandHome(string path) =>
        path.StartsWith('~') ? Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[1..]) : path;

    /// <summary>A URL as nats-server logs it: the password replaced by xxxxx.</summary>
    private static string Redact(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.IndexOf('@', StringComparison.Ordinal);
        int colon = scheme < 0 || at < 0 ? -1 : url.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? url[..(colon + 1)] + "xxxxx" + url[at..] : url;
    }
}
