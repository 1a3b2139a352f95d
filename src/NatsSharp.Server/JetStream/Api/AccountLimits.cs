using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>INFO's <c>limits</c> (-1 = unlimited).</summary>
internal sealed class AccountLimits
{
    [JsonPropertyName("max_memory")] public long MaxMemory { get; set; } = -1;
    [JsonPropertyName("max_storage")] public long MaxStore { get; set; } = -1;
    [JsonPropertyName("max_streams")] public int MaxStreams { get; set; } = -1;
    [JsonPropertyName("max_consumers")] public int MaxConsumers { get; set; } = -1;
    [JsonPropertyName("max_ack_pending")] public int MaxAckPending { get; set; } = -1;
    [JsonPropertyName("memory_max_stream_bytes")] public long MemoryMaxStreamBytes { get; set; } = -1;
    [JsonPropertyName("storage_max_stream_bytes")] public long StoreMaxStreamBytes { get; set; } = -1;
    [JsonPropertyName("max_bytes_required")] public bool MaxBytesRequired { get; set; }
}
