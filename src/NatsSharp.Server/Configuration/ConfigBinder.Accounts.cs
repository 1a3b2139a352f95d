using NatsSharp.Server.Auth;

namespace NatsSharp.Server.Configuration;

/// <summary>The <c>accounts { }</c> block: named accounts and their users.</summary>
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

                // exports, imports, jetstream, default_permissions, mappings, limits, nkey:
                // accepted; not used yet (docs/accounts.md).
            }

            accounts.Add(new AccountOptions { Name = name, Users = users, NkeyUsers = nkeys });
        }

        o.Accounts = accounts;
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
}
