using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>The <c>accounts { }</c> block: named accounts, their users, exports and imports.</summary>
internal static partial class ConfigBinder
{
    private static void BindAccounts(ConfigValue value, ServerOptions o, List<string> errors)
    {
        var accounts = new List<AccountOptions>();
        if (value.Kind == ConfigValueKind.Array)
        {
            // accounts: [A, B] declares accounts without users.
            foreach (ConfigValue name in value.AsArray)
            {
                if (name.Kind == ConfigValueKind.String && ReservedAccount(name.AsString, name, errors))
                {
                    accounts.Add(new AccountOptions { Name = name.AsString });
                }
            }

            o.Accounts = accounts;
            return;
        }

        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Map));
            return;
        }

        foreach (var (name, item) in value.AsMap.Entries)
        {
            if (!ReservedAccount(name, item, errors) || item.Kind != ConfigValueKind.Map)
            {
                continue;
            }

            var users = new List<User>();
            var nkeys = new List<NkeyUser>();
            var exports = new List<AccountExport>();
            var imports = new List<AccountImport>();
            AccountLimits limits = AccountLimits.None;
            List<SubjectMapping> mappings = [];
            JetStream.JetStreamAccountLimits? jetStream = null;
            foreach (var (key, entry) in item.AsMap.Entries)
            {
                if (key.Equals("users", StringComparison.OrdinalIgnoreCase))
                {
                    if (entry.Kind == ConfigValueKind.Array)
                    {
                        BindUsers(entry, users, nkeys, errors);
                    }
                    else
                    {
                        errors.Add($"{entry.Position}: Expected users field to be an array, got {entry.ToGoString()}");
                    }
                }

                else if (key.Equals("exports", StringComparison.OrdinalIgnoreCase))
                {
                    BindExports(entry, exports, errors);
                }
                else if (key.Equals("imports", StringComparison.OrdinalIgnoreCase))
                {
                    BindImports(entry, imports, errors);
                }
                else if (key.Equals("limits", StringComparison.OrdinalIgnoreCase))
                {
                    limits = BindAccountLimits(entry, errors);
                }
                else if (key.Equals("mappings", StringComparison.OrdinalIgnoreCase) || key.Equals("maps", StringComparison.OrdinalIgnoreCase))
                {
                    mappings = BindMappings(entry, errors);
                }

                else if (key.Equals("jetstream", StringComparison.OrdinalIgnoreCase))
                {
                    jetStream = BindAccountJetStream(entry, errors);
                }

                // default_permissions, nkey: accepted; not used yet (docs/accounts.md).
            }

            accounts.Add(new AccountOptions { Name = name, Users = users, NkeyUsers = nkeys, Exports = exports, Imports = imports, Limits = limits, Mappings = mappings, JetStream = jetStream });
        }

        o.Accounts = accounts;
        if (errors.Count == 0)
        {
            // As nats-server, link errors point at the accounts block.
            errors.AddRange(AccountLinks.Validate(accounts).Select(e => $"{value.Position}: {e}"));
        }
    }

    // limits: { max_connections: 10, max_subscriptions: 100, max_payload: 1KB, max_leafnodes: 2 }
    private static AccountLimits BindAccountLimits(ConfigValue value, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add($"{value.Position}: Expected account limits to be a map/struct, got {value.ToGoString()}");
            return AccountLimits.None;
        }

        var limits = AccountLimits.None;
        foreach (var (key, item) in value.AsMap.Entries)
        {
            string k = key.ToLowerInvariant();
            if (k is not ("max_connections" or "max_conn" or "max_subscriptions" or "max_subs" or "max_payload" or "max_pay" or "max_leafnodes" or "max_leafs"))
            {
                errors.Add($"{item.Position}: Unknown field \"{key}\" parsing account limits");
                continue;
            }

            if (!TryInt64(item, errors, out long n))
            {
                continue;
            }

            int v = unchecked((int)n); // nats-server keeps them as int32
            limits = k switch
            {
                "max_connections" or "max_conn" => limits with { MaxConnections = v },
                "max_subscriptions" or "max_subs" => limits with { MaxSubscriptions = v },
                "max_payload" or "max_pay" => limits with { MaxPayload = v },
                _ => limits with { MaxLeafNodes = v },
            };
        }

        return limits;
    }

    // {stream: "public.>"}, {service: "req", accounts: [B], response_type: stream}
    private static void BindExports(ConfigValue value, List<AccountExport> exports, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Array)
        {
            errors.Add($"{value.Position}: Exports should be an array, got {value.GoTypeName}");
            return;
        }

        foreach (ConfigValue item in value.AsArray)
        {
            if (item.Kind != ConfigValueKind.Map)
            {
                errors.Add($"{item.Position}: Export Items should be a map with type entry, got {item.GoTypeName}");
                continue;
            }

            ExchangeKind? kind = null;
            string subject = "";
            List<string> accounts = [];
            var responseType = ServiceResponseType.Singleton;
            TimeSpan threshold = TimeSpan.FromMinutes(2);
            ConfigValue? responseAt = null;
            foreach (var (key, v) in item.AsMap.Entries)
            {
                switch (key.ToLowerInvariant())
                {
                    case "stream":
                    case "service":
                        ExchangeKind seen = key.Equals("stream", StringComparison.OrdinalIgnoreCase) ? ExchangeKind.Stream : ExchangeKind.Service;
                        if (kind is not null && kind != seen)
                        {
                            errors.Add(seen == ExchangeKind.Stream
                                ? $"{v.Position}: Detected stream {GoQuote.Quote(v.ToGoString())} but already saw a service"
                                : $"{v.Position}: Detected service {GoQuote.Quote(v.ToGoString())} but already saw a stream");
                            continue;
                        }

                        if (v.Kind != ConfigValueKind.String)
                        {
                            errors.Add($"{v.Position}: Expected {key.ToLowerInvariant()} name to be string, got {v.GoTypeName}");
                            continue;
                        }

                        kind = seen;
                        subject = v.AsString;
                        break;
                    case "response":
                    case "response_type":
                        responseAt = v;
                        if (v.Kind != ConfigValueKind.String)
                        {
                            errors.Add($"{v.Position}: Expected response type to be string, got {v.GoTypeName}");
                            continue;
                        }

                        ServiceResponseType? type = v.AsString.ToLowerInvariant() switch
                        {
                            "single" or "singleton" => ServiceResponseType.Singleton,
                            "stream" => ServiceResponseType.Streamed,
                            "chunk" or "chunked" => ServiceResponseType.Chunked,
                            _ => null,
                        };
                        if (type is null)
                        {
                            errors.Add($"{v.Position}: Unknown response type: {GoQuote.Quote(v.AsString)}");
                            continue;
                        }

                        responseType = type.Value;
                        break;
                    case "threshold":
                    case "response_threshold":
                    case "response_max_time":
                    case "response_time":
                        responseAt = v;
                        if (v.Kind != ConfigValueKind.String || !GoDuration.TryParse(v.AsString, out long ns, out _))
                        {
                            errors.Add(v.Kind == ConfigValueKind.String
                                ? $"{v.Position}: Expected response threshold to be a parseable time duration, got {GoQuote.Quote(v.AsString)}"
                                : $"{v.Position}: Expected response threshold to be a parseable time duration, got {v.GoTypeName}");
                            continue;
                        }

                        threshold = FromNanoseconds(ns);
                        break;
                    case "accounts":
                        if (v.Kind == ConfigValueKind.Array)
                        {
                            accounts.AddRange(v.AsArray.Where(a => a.Kind == ConfigValueKind.String).Select(a => a.AsString));
                        }

                        break;
                    case "latency":
                    case "account_token_position":
                        break; // accepted: latency tracking needs the system account; token positions need JWTs
                    default:
                        UnknownField(key, v, errors);
                        break;
                }
            }

            if (kind == ExchangeKind.Stream && responseAt is not null)
            {
                errors.Add($"{responseAt.Position}: Detected response directive on non-service");
                continue;
            }

            if (kind is not null)
            {
                exports.Add(new AccountExport { Kind = kind.Value, Subject = subject, Accounts = accounts, ResponseType = responseType, ResponseThreshold = threshold });
            }
        }
    }

    // {stream: {account: A, subject: "foo.>"}, prefix: "p"}, {service: {account: A, subject: "req"}, to: "a.req"}
    private static void BindImports(ConfigValue value, List<AccountImport> imports, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Array)
        {
            errors.Add($"{value.Position}: Imports should be an array, got {value.GoTypeName}");
            return;
        }

        var serviceSubjects = new Dictionary<string, AccountImport>(StringComparer.Ordinal);
        foreach (ConfigValue item in value.AsArray)
        {
            if (item.Kind != ConfigValueKind.Map)
            {
                errors.Add($"{item.Position}: Import Items should be a map with type entry, got {item.GoTypeName}");
                continue;
            }

            ExchangeKind? kind = null;
            string account = "", subject = "", prefix = "", to = "";
            bool share = false, valid = true;
            ConfigValue? toAt = null;
            foreach (var (key, v) in item.AsMap.Entries)
            {
                switch (key.ToLowerInvariant())
                {
                    case "stream":
                    case "service":
                        ExchangeKind seen = key.Equals("stream", StringComparison.OrdinalIgnoreCase) ? ExchangeKind.Stream : ExchangeKind.Service;
                        string word = seen == ExchangeKind.Stream ? "Stream" : "Service";
                        if (kind is not null && kind != seen)
                        {
                            errors.Add($"{v.Position}: Detected {word.ToLowerInvariant()} but already saw a {(seen == ExchangeKind.Stream ? "service" : "stream")}");
                            valid = false;
                            continue;
                        }

                        if (v.Kind != ConfigValueKind.Map)
                        {
                            errors.Add($"{v.Position}: {word} entry should be an account map, got {v.GoTypeName}");
                            valid = false;
                            continue;
                        }

                        (account, subject) = BindImportSource(v, errors);
                        if (account.Length == 0 || subject.Length == 0)
                        {
                            errors.Add($"{v.Position}: Expect an account name and a subject");
                            valid = false;
                            continue;
                        }

                        kind = seen;
                        break;
                    case "prefix":
                        BindString(v, errors, s => prefix = s);
                        break;
                    case "to":
                        toAt = v;
                        BindString(v, errors, s => to = s);
                        break;
                    case "share":
                        BindBool(v, errors, b => share = b);
                        break;
                    default:
                        UnknownField(key, v, errors);
                        break;
                }
            }

            if (!valid || kind is null)
            {
                continue;
            }

            if (kind == ExchangeKind.Stream && prefix.Length > 0 && to.Length > 0)
            {
                errors.Add($"{toAt!.Position}: Stream import can not have a 'prefix' and a 'to' property");
                continue;
            }

            var import = new AccountImport
            {
                Kind = kind.Value,
                Account = account,
                Subject = subject,
                To = to,
                Prefix = kind == ExchangeKind.Stream ? prefix : "",
                Share = share,
            };
            if (kind == ExchangeKind.Service)
            {
                if (serviceSubjects.TryGetValue(import.LocalSubject, out AccountImport? dup))
                {
                    errors.Add($"{item.Position}: Duplicate service import subject {GoQuote.Quote(import.LocalSubject)}, previously used in import for account {GoQuote.Quote(dup.Account)}, subject {GoQuote.Quote(dup.Subject)}");
                    continue;
                }

                serviceSubjects[import.LocalSubject] = import;
            }

            imports.Add(import);
        }
    }

    private static (string Account, string Subject) BindImportSource(ConfigValue value, List<string> errors)
    {
        string account = "", subject = "";
        foreach (var (key, v) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "account":
                    BindString(v, errors, s => account = s);
                    break;
                case "subject":
                    BindString(v, errors, s => subject = s);
                    break;
                default:
                    UnknownField(key, v, errors);
                    break;
            }
        }

        return (account, subject);
    }

    /// <summary>"$G" is the global account and cannot be declared.</summary>
    private static bool ReservedAccount(string name, ConfigValue at, List<string> errors)
    {
        if (name == Account.GlobalName)
        {
            errors.Add($"{at.Position}: \"$G\" is a Reserved Account");
            return false;
        }

        return true;
    }

    /// <summary>A key nats-server does not know here (variables used elsewhere excepted).</summary>
    private static void UnknownField(string key, ConfigValue value, List<string> errors)
    {
        if (!value.IsUsedVariable)
        {
            errors.Add($"{value.Position}: unknown field {GoQuote.Quote(key)}");
        }
    }
}
