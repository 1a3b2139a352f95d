using NatsSharp.Server.WebSocket;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>The <c>websocket { }</c> block (alias <c>ws</c>), as nats-server 2.9.10's parseWebsocket.</summary>
internal static partial class ConfigBinder
{
    private static void BindWebSocket(ConfigValue value, ServerOptions o, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add($"{value.Position}: Expected websocket to be a map, got {value.GoTypeName}");
            return;
        }

        var ws = new WebSocketOptions();
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "listen":
                    if (TryParseListen(item, errors, out string host, out int port))
                    {
                        ws.Host = host.Length == 0 ? "0.0.0.0" : host;
                        ws.Port = port;
                    }

                    break;
                case "port":
                    BindInt32(key, item, errors, n => ws.Port = n);
                    break;
                case "host":
                case "net":
                    BindString(item, errors, s => ws.Host = s);
                    break;
                case "advertise":
                    BindString(item, errors, s => ws.Advertise = s);
                    break;
                case "no_tls":
                    BindBool(item, errors, b => ws.NoTls = b);
                    break;
                case "tls":
                    var tls = new Tls.TlsOptions();
                    int before = errors.Count;
                    BindTls(item, tls, errors);
                    if (errors.Count == before)
                    {
                        ws.Tls = tls;
                    }

                    break;
                case "same_origin":
                    BindBool(item, errors, b => ws.SameOrigin = b);
                    break;
                case "allowed_origins":
                case "allowed_origin":
                case "allow_origins":
                case "allow_origin":
                case "origins":
                case "origin":
                    BindAllowedOrigins(item, ws, errors);
                    break;
                case "handshake_timeout":
                    BindHandshakeTimeout(item, ws, errors);
                    break;
                case "compress":
                case "compression":
                    BindBool(item, errors, b => ws.Compression = b);
                    break;
                case "authorization":
                case "authentication":
                    BindSingleUserAuthorization(item, errors, s => ws.Username = s, s => ws.Password = s, t => ws.AuthTimeout = t, (k, v) =>
                    {
                        if (k != "token")
                        {
                            return false;
                        }

                        BindString(v, errors, s => ws.Token = s);
                        return true;
                    });
                    break;
                case "no_auth_user":
                    BindString(item, errors, s => ws.NoAuthUser = s);
                    break;
                case "jwt_cookie":
                    // A security setting: refused rather than ignored; NatsSharp has no JWT authentication yet (docs/websocket.md).
                    errors.Add($"{item.Position}: websocket jwt_cookie is not supported by NatsSharp yet");
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                    }

                    break;
            }
        }

        // "websocket requires TLS configuration" is checked at start, as nats-server does (its -t passes).
        o.WebSocket = ws;
    }

    /// <summary>A string or a list of strings, each a URL whose scheme, host and port an Origin must match.</summary>
    private static void BindAllowedOrigins(ConfigValue item, WebSocketOptions ws, List<string> errors)
    {
        IEnumerable<ConfigValue> values = item.Kind == ConfigValueKind.Array ? item.AsArray : [item];
        var origins = new List<string>();
        foreach (ConfigValue v in values)
        {
            if (v.Kind != ConfigValueKind.String)
            {
                errors.Add($"{v.Position}: error parsing allowed origins: unsupported type in array {v.GoTypeName}");
                continue;
            }

            if (!WebSocketOrigins.TryParse(v.AsString, out _))
            {
                errors.Add($"{v.Position}: unable to parse allowed origin: {GoQuote.Quote(v.AsString)}");
                continue;
            }

            origins.Add(v.AsString);
        }

        ws.AllowedOrigins = origins;
    }

    /// <summary>An integer number of seconds or a Go duration string.</summary>
    private static void BindHandshakeTimeout(ConfigValue item, WebSocketOptions ws, List<string> errors)
    {
        switch (item.Kind)
        {
            case ConfigValueKind.Integer:
                ws.HandshakeTimeout = TimeSpan.FromSeconds(item.AsLong);
                break;
            case ConfigValueKind.String:
                if (GoDuration.TryParse(item.AsString, out long ns, out string error))
                {
                    ws.HandshakeTimeout = FromNanoseconds(ns);
                }
                else
                {
                    errors.Add($"{item.Position}: {error}");
                }

                break;
            default:
                errors.Add($"{item.Position}: error parsing handshake timeout: unsupported type {item.GoTypeName}");
                break;
        }
    }
}
