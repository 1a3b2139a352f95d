using NatsSharp.Server.Tls;

namespace NatsSharp.Server.Configuration;

/// <summary>A <c>tls { }</c> block (client, cluster, websocket, leafnodes), with nats-server's error texts; the files are loaded here, so -t reports them.</summary>
internal static partial class ConfigBinder
{
    /// <summary>Curve names nats-server accepts in <c>curve_preferences</c>.</summary>
    internal static readonly string[] TlsCurveNames = ["X25519", "CurveP256", "CurveP384", "CurveP521"];

    /// <param name="extraField">Binds keys only some blocks have (leafnodes: <c>handshake_first</c>, <c>insecure</c>); true when it took the key.</param>
    /// <param name="certificateOptional">A dialling side's block (leafnode remote): no certificate at all is fine.</param>
    private static void BindTls(ConfigValue value, TlsOptions o, List<string> errors, Func<string, ConfigValue, bool>? extraField = null, bool certificateOptional = false)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Map));
            return;
        }

        string cert = "", key = "", ca = "";
        bool verify = false, map = false;
        TimeSpan? timeout = null;
        string[] ciphers = [];
        string[] curves = [];
        foreach (var (name, item) in value.AsMap.Entries)
        {
            string k = name.ToLowerInvariant();
            if (extraField?.Invoke(k, item) == true)
            {
                continue;
            }

            switch (k)
            {
                case "cert_file":
                case "key_file":
                case "ca_file":
                    if (item.Kind != ConfigValueKind.String)
                    {
                        errors.Add($"{item.Position}: error parsing tls config, expected '{k}' to be filename");
                        return;
                    }
                    if (k == "cert_file")
                    {
                        cert = item.AsString;
                    }
                    else if (k == "key_file")
                    {
                        key = item.AsString;
                    }
                    else
                    {
                        ca = item.AsString;
                    }
                    break;
                case "verify":
                case "verify_and_map":
                case "insecure":
                    if (item.Kind != ConfigValueKind.Bool)
                    {
                        errors.Add($"{item.Position}: error parsing tls config, expected '{k}' to be a boolean");
                        return;
                    }
                    if (k == "verify")
                    {
                        verify = item.AsBool;
                    }
                    else if (k == "verify_and_map")
                    {
                        verify |= item.AsBool;
                        map = item.AsBool;
                    }
                    break;
                case "cipher_suites":
                case "curve_preferences":
                    if (!TryTlsNames(k, item, errors, out string[] names))
                    {
                        return;
                    }
                    if (k == "cipher_suites")
                    {
                        ciphers = names;
                    }
                    else
                    {
                        curves = names;
                    }
                    break;
                case "timeout":
                    switch (item.Kind)
                    {
                        case ConfigValueKind.Integer:
                            timeout = TimeSpan.FromSeconds(item.AsLong);
                            break;
                        case ConfigValueKind.Float:
                            timeout = TimeSpan.FromSeconds(item.AsDouble);
                            break;
                        case ConfigValueKind.String:
                            if (!GoDuration.TryParse(item.AsString, out long ns, out string error))
                            {
                                errors.Add($"{item.Position}: error parsing tls config, 'timeout' {error}");
                                return;
                            }
                            timeout = FromNanoseconds(ns);
                            break;
                        default:
                            errors.Add($"{item.Position}: error parsing tls config, 'timeout' wrong type");
                            return;
                    }
                    break;
                case "pinned_certs":
                    if (!BindPinnedCerts(item, o, errors))
                    {
                        return;
                    }

                    break;
                case "connection_rate_limit":
                    if (item.Kind != ConfigValueKind.Integer)
                    {
                        errors.Add($"{item.Position}: error parsing tls config, 'connection_rate_limit' wrong type");
                        return;
                    }

                    o.RateLimit = item.AsLong;
                    break;
                case "verify_cert_and_check_known_urls":
                case "ocsp_peer":
                    errors.Add($"{item.Position}: error parsing tls config, '{k}' is not supported by NatsSharp yet");
                    return;
                default:
                    errors.Add($"{item.Position}: error parsing tls config, unknown field [\"{name}\"]");
                    return;
            }
        }

        bool noCertificate = certificateOptional && key.Length == 0 && cert.Length == 0;
        if (key.Length == 0 && !noCertificate)
        {
            errors.Add($"{value.Position}: missing 'key_file' in TLS configuration");
            return;
        }

        if (cert.Length == 0 && !noCertificate)
        {
            errors.Add($"{value.Position}: missing 'cert_file' in TLS configuration");
            return;
        }

        // nats-server loads the files while reading the config, so -t reports a bad certificate too.
        var candidate = o.Clone();
        candidate.CertFile = cert;
        candidate.KeyFile = key;
        candidate.CaFile = ca;
        try
        {
            if (!noCertificate)
            {
                _ = TlsSetup.Load(candidate);
            }
            else if (ca.Length > 0)
            {
                _ = TlsSetup.LoadCas(ca);
            }
        }
        catch (NatsServerException e)
        {
            errors.Add($"{value.Position}: {e.Message}");
            return;
        }

        o.CertFile = cert;
        o.KeyFile = key;
        o.CaFile = ca;
        o.Verify = verify;
        o.Map = map;
        o.CipherSuites = ciphers;
        o.CurvePreferences = curves;
        if (timeout is { } t && t > TimeSpan.Zero)
        {
            o.Timeout = t;
        }
    }

    private static bool TryTlsNames(string key, ConfigValue item, List<string> errors, out string[] names)
    {
        names = [];
        if (item.Kind != ConfigValueKind.Array)
        {
            errors.Add(TypeMismatch(item, ConfigValueKind.Array));
            return false;
        }

        if (item.AsArray.Count == 0)
        {
            errors.Add($"{item.Position}: error parsing tls config, '{key}' cannot be empty");
            return false;
        }

        var list = new List<string>();
        foreach (ConfigValue v in item.AsArray)
        {
            if (v.Kind != ConfigValueKind.String)
            {
                errors.Add(TypeMismatch(v, ConfigValueKind.String));
                return false;
            }

            string n = v.AsString;
            bool known = key == "cipher_suites" ? Tls.CipherSuiteNames.TryParse(n, out _) : TlsCurveNames.Contains(n);
            if (!known)
            {
                errors.Add($"{v.Position}: {(key == "cipher_suites" ? "unrecognized cipher" : "unrecognized curve preference")} {n}");
                return false;
            }

            list.Add(n);
        }

        names = [.. list];
        return true;
    }

    /// <summary>A list of 64-digit hex SHA-256 key ids (nats-server's texts for anything else).</summary>
    private static bool BindPinnedCerts(ConfigValue item, TlsOptions o, List<string> errors)
    {
        if (item.Kind != ConfigValueKind.Array)
        {
            errors.Add($"{item.Position}: error parsing tls config, expected 'pinned_certs' to be a list of hex-encoded sha256 of DER encoded SubjectPublicKeyInfo");
            return false;
        }

        var pins = new List<string>();
        foreach (ConfigValue entry in item.AsArray)
        {
            string key = entry.Kind == ConfigValueKind.String ? entry.AsString.ToLowerInvariant() : entry.ToGoString();
            if (key.Length != 64 || !key.All(char.IsAsciiHexDigitLower))
            {
                errors.Add($"{entry.Position}: error parsing tls config, 'pinned_certs' key {key} does not look like hex-encoded sha256 of DER encoded SubjectPublicKeyInfo");
                return false;
            }

            pins.Add(key);
        }

        o.PinnedCerts = pins;
        return true;
    }
}
