using NatsSharp.Server.JetStream;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Configuration;

/// <summary>An account's <c>jetstream</c> key (bool, "enabled"/"disabled" or a map of limits), as nats-server 2.9.10's parseJetStreamForAccount.</summary>
internal static partial class ConfigBinder
{
    private static JetStreamAccountLimits? BindAccountJetStream(ConfigValue value, List<string> errors)
    {
        switch (value.Kind)
        {
            case ConfigValueKind.Bool:
                return value.AsBool ? new JetStreamAccountLimits() : null;
            case ConfigValueKind.String:
                switch (value.AsString.ToLowerInvariant())
                {
                    case "enabled" or "enable":
                        return new JetStreamAccountLimits();
                    case "disabled" or "disable":
                        return null;
                    default:
                        errors.Add($"Expected 'enabled' or 'disabled' for string value, got '{value.AsString}'"); // nats-server gives no position here
                        return null;
                }

            case ConfigValueKind.Map:
                break;
            default:
                errors.Add($"Expected map, bool or string to define JetStream, got {value.GoTypeName}"); // nats-server gives no position here
                return null;
        }

        var limits = new JetStreamAccountLimits();
        foreach (var (key, item) in value.AsMap.Entries)
        {
            string k = key.ToLowerInvariant();
            if (k is "max_bytes_required" or "max_stream_bytes" or "max_bytes")
            {
                if (item.Kind != ConfigValueKind.Bool)
                {
                    errors.Add($"{item.Position}: Expected a parseable bool for {GoQuote.Quote(key)}, got {item.ToGoString()}");
                    return null;
                }

                limits.MaxBytesRequired = item.AsBool;
                continue;
            }

            bool known = k is "max_memory" or "max_mem" or "mem" or "memory" or "max_store" or "max_file" or "max_disk" or "store" or "disk"
                or "max_streams" or "streams" or "max_consumers" or "consumers" or "mem_max_stream_bytes" or "memory_max_stream_bytes"
                or "disk_max_stream_bytes" or "store_max_stream_bytes" or "max_ack_pending";
            if (!known)
            {
                if (!item.IsUsedVariable)
                {
                    errors.Add($"{item.Position}: unknown field {GoQuote.Quote(key)}");
                }

                continue;
            }

            if (item.Kind != ConfigValueKind.Integer)
            {
                // nats-server stops at the first value that is not a size.
                errors.Add($"{item.Position}: Expected a parseable size for {GoQuote.Quote(key)}, got {item.ToGoString()}");
                return null;
            }

            long n = item.AsLong;
            switch (k)
            {
                case "max_memory" or "max_mem" or "mem" or "memory":
                    limits.MaxMemory = n;
                    break;
                case "max_store" or "max_file" or "max_disk" or "store" or "disk":
                    limits.MaxStore = n;
                    break;
                case "max_streams" or "streams":
                    limits.MaxStreams = (int)n;
                    break;
                case "max_consumers" or "consumers":
                    limits.MaxConsumers = (int)n;
                    break;
                case "mem_max_stream_bytes" or "memory_max_stream_bytes":
                    limits.MemoryMaxStreamBytes = n;
                    break;
                case "disk_max_stream_bytes" or "store_max_stream_bytes":
                    limits.StoreMaxStreamBytes = n;
                    break;
                default:
                    limits.MaxAckPending = (int)n;
                    break;
            }
        }

        return limits;
    }
}
