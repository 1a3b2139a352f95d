using NatsSharp.Server.JetStream;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>The <c>jetstream</c> key (bool, "enabled"/"disabled" or a block), as nats-server 2.9.10's parseJetStream.</summary>
internal static partial class ConfigBinder
{
    private static void BindJetStream(ConfigValue value, ServerOptions o, List<string> errors)
    {
        switch (value.Kind)
        {
            case ConfigValueKind.Bool:
                o.JetStream = value.AsBool ? o.JetStream ?? new JetStreamOptions() : null;
                return;
            case ConfigValueKind.String:
                switch (value.AsString.ToLowerInvariant())
                {
                    case "enabled" or "enable":
                        o.JetStream ??= new JetStreamOptions();
                        return;
                    case "disabled" or "disable":
                        o.JetStream = null;
                        return;
                    default:
                        errors.Add($"{value.Position}: Expected 'enabled' or 'disabled' for string value, got '{value.AsString}'");
                        return;
                }

            case ConfigValueKind.Map:
                break;
            default:
                errors.Add($"{value.Position}: Expected map, bool or string to define JetStream, got {value.GoTypeName}");
                return;
        }

        var js = new JetStreamOptions();
        bool enable = true;
        bool storeSeen = false;
        foreach (var (key, item) in value.AsMap.Entries)
        {
            switch (key.ToLowerInvariant())
            {
                case "store" or "store_dir" or "storedir":
                    if (storeSeen)
                    {
                        errors.Add($"{item.Position}: Duplicate 'store_dir' configuration");
                        break;
                    }

                    storeSeen = true;
                    BindString(item, errors, s => js.StoreDir = s);
                    break;
                case "max_memory_store" or "max_mem_store" or "max_mem":
                    if (TryInt64(item, errors, out long mem))
                    {
                        js.MaxMemory = mem;
                    }

                    break;
                case "max_file_store" or "max_file":
                    if (TryInt64(item, errors, out long file))
                    {
                        js.MaxStore = file;
                    }

                    break;
                case "domain":
                    BindString(item, errors, s => js.Domain = s);
                    break;
                case "enable" or "enabled":
                    BindBool(item, errors, b => enable = b);
                    break;
                case "key" or "ek" or "encryption_key" or "cipher" or "extension_hint" or "limits" or "unique_tag" or "max_outstanding_catchup" or "max_buffered_msgs" or "max_buffered_size" or "sync_interval":
                    // Accepted; NatsSharp does not act on them yet (docs/jetstream.md).
                    break;
                default:
                    if (!item.IsUsedVariable)
                    {
                        errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                    }

                    break;
            }
        }

        o.JetStream = enable ? js : null;
    }
}
