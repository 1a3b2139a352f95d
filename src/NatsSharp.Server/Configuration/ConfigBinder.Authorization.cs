using NatsSharp.Server.Auth;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Protocol;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// <c>authorization { user, password, token, timeout, users, default_permissions }</c> with nats-server's
/// error texts. Users without permissions of their own get <c>default_permissions</c>, as nats-server does.
/// </summary>
internal static partial class ConfigBinder
{
    private static void BindAuthorization(ConfigValue value, ServerOptions o, List<string> errors)
    {
        ConfigPosition at = value.Position;
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add(TypeMismatch(value, ConfigValueKind.Map));
            // nats-server then dereferences its nil result and reports that too.
            errors.Add($"{at}: runtime error: invalid memory address or nil pointer dereference");
            return;
        }

        string user = "";
        string password = "";
        string token = "";
        double? timeout = null;
        bool hasUsers = false;
        List<User> users = [];
        List<NkeyUser> nkeys = [];
        Permissions? defaults = null;
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "user":
                case "username":
                case "pass":
                case "password":
                case "token":
                    if (item.Kind != ConfigValueKind.String)
                    {
                        // nats-server stops reading the block at the first wrong type, then trips over the
                        // missing result; both lines are part of its output.
                        errors.Add(TypeMismatch(item, ConfigValueKind.String));
                        errors.Add($"{at}: runtime error: invalid memory address or nil pointer dereference");
                        return;
                    }
                    switch (key.ToLowerInvariant())
                    {
                        case "user" or "username":
                            user = item.AsString;
                            break;
                        case "pass" or "password":
                            password = item.AsString;
                            break;
                        default:
                            token = item.AsString;
                            break;
                    }
                    break;
                case "timeout":
                    // Seconds as int or float; anything else silently means 1 second.
                    timeout = item.Kind switch
                    {
                        ConfigValueKind.Integer => item.AsLong,
                        ConfigValueKind.Float => item.AsDouble,
                        _ => 1,
                    };
                    break;
                case "users":
                    if (item.Kind == ConfigValueKind.Array)
                    {
                        hasUsers = true;
                        BindUsers(item, users, nkeys, errors);
                    }
                    else
                    {
                        errors.Add($"{item.Position}: Expected users field to be an array, got {item.ToGoString()}");
                    }
                    break;
                case "default_permission":
                case "default_permissions":
                case "permissions":
                    defaults = ParsePermissions(item, errors);
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                    }
                    break;
            }
        }

        o.Username = user;
        o.Password = password;
        o.AuthToken = token;
        if (timeout is double seconds && seconds != 0)
        {
            // 0 (or absent) means "the default", as nats-server fills it in at start-up.
            o.AuthTimeout = TimeSpan.FromSeconds(seconds);
        }
        if ((user.Length > 0 || password.Length > 0) && token.Length > 0)
        {
            errors.Add($"{at}: Cannot have a user/pass and token");
            return;
        }
        if (hasUsers)
        {
            if (user.Length > 0)
            {
                errors.Add($"{at}: Can not have a single user/pass and a users array");
            }
            else if (token.Length > 0)
            {
                errors.Add($"{at}: Can not have a token and a users array");
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (User u in users)
        {
            if (!seen.Add(u.Username))
            {
                errors.Add($"{at}: Duplicate user \"{u.Username}\" detected");
            }
        }

        o.DefaultPermissions = defaults;
        o.Users = users.Select(u => u.Permissions is null && defaults is not null
            ? new User { Username = u.Username, Password = u.Password, Permissions = defaults, AllowedConnectionTypes = u.AllowedConnectionTypes }
            : u).ToArray();
        o.NkeyUsers = nkeys.Select(n => n.Permissions is null && defaults is not null
            ? new NkeyUser { PublicKey = n.PublicKey, Permissions = defaults, AllowedConnectionTypes = n.AllowedConnectionTypes }
            : n).ToArray();
    }

    private static void BindUsers(ConfigValue array, List<User> users, List<NkeyUser> nkeys, List<string> errors)
    {
        foreach (ConfigValue entry in array.AsArray)
        {
            if (entry.Kind != ConfigValueKind.Map)
            {
                errors.Add($"{entry.Position}: Expected user entry to be a map/struct, got {entry.ToGoString()}");
                continue;
            }

            string name = "";
            string password = "";
            string nkey = "";
            Permissions? permissions = null;
            IReadOnlyList<string> connectionTypes = [];
            // nats-server reports entry-level errors at the last value it read.
            ConfigPosition at = entry.Position;
            foreach (var (key, item) in entry.AsMap.Entries)
            {
                at = item.Position;
                switch (key.ToLowerInvariant())
                {
                    case "nkey":
                    case "user":
                    case "username":
                    case "pass":
                    case "password":
                        if (item.Kind != ConfigValueKind.String)
                        {
                            errors.Add(TypeMismatch(item, ConfigValueKind.String));
                            continue;
                        }
                        switch (key.ToLowerInvariant())
                        {
                            case "nkey":
                                nkey = item.AsString;
                                break;
                            case "user" or "username":
                                name = item.AsString;
                                break;
                            default:
                                password = item.AsString;
                                break;
                        }
                        break;
                    case "permission":
                    case "permissions":
                    case "authorization":
                        permissions = ParsePermissions(item, errors);
                        break;
                    case "allowed_connection_types":
                    case "connection_types":
                    case "clients":
                        connectionTypes = ParseConnectionTypes(item, errors);
                        break;
                    default:
                        if (!item.IsUsedVariable)
                        {
                            errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                        }
                        break;
                }
            }

            if (nkey.Length == 0 && name.Length == 0)
            {
                errors.Add($"{at}: User entry requires a user");
            }
            else if (nkey.Length > 0)
            {
                if (!Nkeys.IsValidPublicUserKey(nkey))
                {
                    errors.Add($"{at}: Not a valid public nkey for a user");
                }
                else if (name.Length > 0 || password.Length > 0)
                {
                    errors.Add($"{at}: Nkey users do not take usernames or passwords");
                }
                else
                {
                    nkeys.Add(new NkeyUser { PublicKey = nkey, Permissions = permissions, AllowedConnectionTypes = connectionTypes });
                }
            }
            else
            {
                users.Add(new User { Username = name, Password = password, Permissions = permissions, AllowedConnectionTypes = connectionTypes });
            }
        }
    }

    /// <summary><c>allowed_connection_types</c>: a name or a list of them, upper-cased; unknown names are an error (nats-server's texts).</summary>
    private static IReadOnlyList<string> ParseConnectionTypes(ConfigValue value, List<string> errors)
    {
        var names = new List<string>();
        if (value.Kind == ConfigValueKind.String)
        {
            names.Add(value.AsString);
        }
        else if (value.Kind == ConfigValueKind.Array)
        {
            foreach (ConfigValue item in value.AsArray)
            {
                if (item.Kind == ConfigValueKind.String)
                {
                    names.Add(item.AsString);
                }
                else
                {
                    errors.Add($"{item.Position}: error parsing allowed connection types: unsupported type in array {item.GoTypeName}");
                }
            }
        }
        else
        {
            errors.Add($"{value.Position}: error parsing allowed connection types: unsupported type {value.GoTypeName}");
            return [];
        }

        List<string> upper = [.. names.Select(n => n.ToUpperInvariant())];
        List<string> unknown = [.. upper.Where(n => !ConnectionTypes.Known.Contains(n))];
        if (unknown.Count > 0)
        {
            errors.Add($"{value.Position}: invalid connection types [{string.Join(" ", unknown.Select(GoQuote.Quote))}]");
        }

        return [.. upper.Where(ConnectionTypes.Known.Contains).Distinct()];
    }

    /// <summary>A <c>permissions { publish, subscribe, allow_responses }</c> map.</summary>
    private static Permissions? ParsePermissions(ConfigValue value, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add($"{value.Position}: Expected permissions to be a map/struct, got {value.ToGoString()}");
            return null;
        }

        SubjectPermission? publish = null;
        SubjectPermission? subscribe = null;
        ResponsePermission? response = null;
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "pub":
                case "publish":
                case "import":
                    publish = ParseSubjectPermission(item, errors);
                    break;
                case "sub":
                case "subscribe":
                case "export":
                    subscribe = ParseSubjectPermission(item, errors);
                    break;
                case "publish_allow_responses":
                case "allow_responses":
                    response = item.Kind == ConfigValueKind.Bool
                        ? (item.AsBool ? new ResponsePermission() : null)
                        : ParseResponsePermission(item, errors);
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: Unknown field \"{key}\" parsing permissions");
                    }
                    break;
            }
        }

        return new Permissions { Publish = publish, Subscribe = subscribe, Response = response };
    }

    /// <summary>A subject, an array of subjects, or <c>{ allow, deny }</c>.</summary>
    private static SubjectPermission? ParseSubjectPermission(ConfigValue value, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            // nats-server loses the position of a bare subject or list, so its errors have none.
            return ParsePermSubjects(value, errors, withPosition: false) is { } allow ? new SubjectPermission { Allow = allow } : null;
        }

        ConfigMap map = value.AsMap;
        if (map.Count == 0)
        {
            return null;
        }

        IReadOnlyList<string>? allowList = null;
        IReadOnlyList<string>? denyList = null;
        foreach (var (key, item) in map.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "allow":
                    allowList = ParsePermSubjects(item, errors);
                    break;
                case "deny":
                    denyList = ParsePermSubjects(item, errors);
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: Unknown field name \"{key}\" parsing subject permissions, only 'allow' or 'deny' are permitted");
                    }
                    break;
            }
        }

        return new SubjectPermission { Allow = allowList, Deny = denyList };
    }

    private static string[]? ParsePermSubjects(ConfigValue value, List<string> errors, bool withPosition = true)
    {
        string at = withPosition ? $"{value.Position}: " : "";
        string[] subjects;
        switch (value.Kind)
        {
            case ConfigValueKind.String:
                subjects = [value.AsString];
                break;
            case ConfigValueKind.Array:
                var list = new List<string>();
                foreach (ConfigValue item in value.AsArray)
                {
                    if (item.Kind != ConfigValueKind.String)
                    {
                        errors.Add($"{item.Position}: Subject in permissions array cannot be cast to string");
                        return null;
                    }
                    list.Add(item.AsString);
                }
                subjects = [.. list];
                break;
            default:
                errors.Add($"{at}Expected subject permissions to be a subject, or array of subjects, got {value.GoTypeName}");
                return null;
        }

        foreach (string s in subjects)
        {
            if (IsValidPermissionSubject(s))
            {
                continue;
            }

            // "subject queue" entries: the subject part must be valid.
            string[] parts = s.Split([' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
            string bad = parts.Length == 2 ? parts[0] : s;
            if (parts.Length != 2 || !IsValidPermissionSubject(parts[0]))
            {
                errors.Add($"{at}subject \"{bad}\" is not a valid subject");
                return null;
            }
        }

        return subjects;
    }

    private static bool IsValidPermissionSubject(string subject) =>
        SubjectRules.IsValidSubscribeSubject(System.Text.Encoding.UTF8.GetBytes(subject));

    private static ResponsePermission? ParseResponsePermission(ConfigValue value, List<string> errors)
    {
        if (value.Kind != ConfigValueKind.Map)
        {
            errors.Add($"{value.Position}: error parsing response permissions, expected a boolean or a map");
            return null;
        }

        int max = ResponsePermission.DefaultMaxMsgs;
        TimeSpan expires = ResponsePermission.DefaultExpires;
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "max":
                case "max_msgs":
                case "max_messages":
                case "max_responses":
                    if (TryInt64(item, errors, out long n) && n != 0)
                    {
                        // Negative means unlimited; 0 keeps the default.
                        max = (int)Math.Clamp(n, int.MinValue, int.MaxValue);
                    }
                    break;
                case "expires":
                case "expiration":
                case "ttl":
                    if (item.Kind != ConfigValueKind.String)
                    {
                        errors.Add($"{item.Position}: error parsing expires, not a duration string");
                        return null;
                    }
                    if (!GoDuration.TryParse(item.AsString, out long ns, out string error))
                    {
                        errors.Add($"{item.Position}: error parsing expires: {error}");
                        return null;
                    }
                    if (ns != 0)
                    {
                        expires = FromNanoseconds(ns);
                    }
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: Unknown field \"{key}\" parsing permissions");
                    }
                    break;
            }
        }

        return new ResponsePermission { MaxMsgs = max, Expires = expires };
    }
}
