using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>A message and byte count pair ("sent" / "received" in /accstatz).</summary>
internal sealed class DataStats
{
    [JsonPropertyName("msgs")] public long Msgs { get; init; }
    [JsonPropertyName("bytes")] public long Bytes { get; init; }
}
