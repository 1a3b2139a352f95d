using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream;

/// <summary>
/// The account's JetStream limits (accounts { A { jetstream { … } } }) and the server's max_memory_store /
/// max_file_store, checked as nats-server 2.9.10 checks them (jetstream.go checkLimits, stream.go
/// processJetStreamMsg): at stream and consumer create by reservation (max_bytes), at publish by usage.
/// </summary>
internal static class JsLimits
{
    /// <summary>A stream create the limits refuse, or null.</summary>
    public static JsApiError? CheckStreamCreate(JsAccount js, StreamConfig cfg)
    {
        JetStreamAccountLimits limits = js.Limits;
        List<JsStream> streams = js.Streams;
        if (limits.MaxStreams > 0 && streams.Count >= limits.MaxStreams)
        {
            return JsErrors.MaximumStreamsLimitErr;
        }

        if (CheckMaxBytes(limits, cfg) is { } maxBytes)
        {
            return maxBytes;
        }

        if (cfg.MaxConsumers > 0 && limits.MaxConsumers > 0 && cfg.MaxConsumers > limits.MaxConsumers)
        {
            return JsErrors.MaximumConsumersLimitErr;
        }

        bool memory = cfg.Storage == "memory";
        long add = cfg.MaxBytes < 0 ? 1 : cfg.MaxBytes;
        long accountLimit = memory ? limits.MaxMemory : limits.MaxStore;
        JsApiError exceeded = memory ? JsErrors.MemoryResourcesExceededErr : JsErrors.StorageResourcesExceededErr;
        if (accountLimit >= 0 && Reserved(streams, memory) + add > accountLimit)
        {
            return exceeded;
        }

        long serverLimit = memory ? js.Engine.MaxMemory : js.Engine.MaxStore;
        long serverReserved = js.Engine.Accounts.Sum(a => Reserved(a.Streams, memory));
        return serverReserved + add > serverLimit ? exceeded : null;
    }

    /// <summary>
    /// A stream update the limits refuse, or null. As nats-server's configUpdateCheck: only a larger
    /// max_bytes reserves more (the difference; from unset, one byte more than the new value, as Go's
    /// arithmetic with -1 gives), on top of the other streams' reservations and this stream's old one.
    /// </summary>
    public static JsApiError? CheckStreamUpdate(JsAccount js, StreamConfig old, StreamConfig cfg)
    {
        JetStreamAccountLimits limits = js.Limits;
        if (CheckMaxBytes(limits, cfg) is { } maxBytes)
        {
            return maxBytes;
        }

        bool memory = cfg.Storage == "memory";
        long add = Math.Max(cfg.MaxBytes - old.MaxBytes, 0);
        long accountLimit = memory ? limits.MaxMemory : limits.MaxStore;
        JsApiError exceeded = memory ? JsErrors.MemoryResourcesExceededErr : JsErrors.StorageResourcesExceededErr;
        long reserved = js.Streams.Where(s => s.Name != cfg.Name && (s.Config.Storage == "memory") == memory && s.Config.MaxBytes > 0).Sum(s => s.Config.MaxBytes) + old.MaxBytes;
        if (accountLimit >= 0 && reserved + add > accountLimit)
        {
            return exceeded;
        }

        long serverLimit = memory ? js.Engine.MaxMemory : js.Engine.MaxStore;
        long serverReserved = js.Engine.Accounts.Sum(a => Reserved(a.Streams, memory));
        return serverReserved + add > serverLimit ? exceeded : null;
    }

    /// <summary>nats-server's maxBytesLimits check: max_bytes_required, and the per-stream maximum of the storage type.</summary>
    private static JsApiError? CheckMaxBytes(JetStreamAccountLimits limits, StreamConfig cfg)
    {
        if (limits.MaxBytesRequired && cfg.MaxBytes <= 0)
        {
            return JsErrors.StreamMaxBytesRequired;
        }

        long perStream = cfg.Storage == "memory" ? limits.MemoryMaxStreamBytes : limits.StoreMaxStreamBytes;
        return perStream > 0 && cfg.MaxBytes > perStream ? JsErrors.StreamMaxStreamBytesExceeded : null;
    }

    /// <summary>A consumer create the account's max_consumers (per stream, as nats-server) refuses, or null.</summary>
    public static JsApiError? CheckConsumerCreate(JsStream stream) =>
        stream.Account.Limits.MaxConsumers > 0 && stream.ConsumerCount >= stream.Account.Limits.MaxConsumers ? JsErrors.MaximumConsumersLimitErr : null;

    /// <summary>Before storing: the server is over max_memory_store / max_file_store (only when configured, so the usual publish pays nothing).</summary>
    public static JsApiError? CheckServerBeforeStore(JsStream stream)
    {
        bool memory = stream.Config.Storage == "memory";
        long max = memory ? stream.Account.Engine.Options.MaxMemory : stream.Account.Engine.Options.MaxStore;
        if (max <= 0)
        {
            return null;
        }

        ulong used = 0;
        foreach (JsAccount a in stream.Account.Engine.Accounts)
        {
            used += Used(a, memory);
        }

        return used > (ulong)max ? JsErrors.InsufficientResourcesErr : null;
    }

    /// <summary>After storing: the account is over its max_mem / max_file; nats-server takes the message out again and refuses it.</summary>
    public static bool AccountOverAfterStore(JsStream stream)
    {
        bool memory = stream.Config.Storage == "memory";
        JetStreamAccountLimits limits = stream.Account.Limits;
        long max = memory ? limits.MaxMemory : limits.MaxStore;
        long perStream = memory ? limits.MemoryMaxStreamBytes : limits.StoreMaxStreamBytes;
        if (max < 0 && perStream <= 0)
        {
            return false;
        }

        ulong used = Used(stream.Account, memory);
        return (perStream > 0 && used > (ulong)perStream) || (max >= 0 && used > (ulong)max);
    }

    /// <summary>The bytes an account's streams of one storage type hold.</summary>
    public static ulong Used(JsAccount js, bool memory)
    {
        ulong used = 0;
        foreach (JsStream s in js.Streams)
        {
            if ((s.Config.Storage == "memory") == memory)
            {
                used += s.Store.State.Bytes;
            }
        }

        return used;
    }

    /// <summary>What max_bytes reserves: the sum over streams of one storage type that set it.</summary>
    public static long Reserved(List<JsStream> streams, bool memory) =>
        streams.Where(s => (s.Config.Storage == "memory") == memory && s.Config.MaxBytes > 0).Sum(s => s.Config.MaxBytes);
}
