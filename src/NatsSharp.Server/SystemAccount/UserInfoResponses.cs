using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary><c>allow_responses</c> as nats-server's <c>ResponsePermission</c> encodes it.</summary>
internal sealed class UserInfoResponses
{
    [JsonPropertyName("max")] public int Max { get; set; }

    /// <summary>Nanoseconds, as Go encodes a time.Duration.</summary>
    [JsonPropertyName("ttl")] public long Ttl { get; set; }
}
