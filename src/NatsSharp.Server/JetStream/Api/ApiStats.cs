using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>INFO's <c>api</c>.</summary>
internal sealed class ApiStats
{
    [JsonPropertyName("total")] public ulong Total { get; set; }
    [JsonPropertyName("errors")] public ulong Errors { get; set; }
}
