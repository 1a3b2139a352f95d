using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>$JS.API.INFO's response (nats-server's JSApiAccountInfoResponse).</summary>
internal sealed class AccountInfoResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "io.nats.jetstream.api.v1.account_info_response";
    [JsonPropertyName("memory")] public ulong Memory { get; set; }
    [JsonPropertyName("storage")] public ulong Store { get; set; }
    [JsonPropertyName("streams")] public int Streams { get; set; }
    [JsonPropertyName("consumers")] public int Consumers { get; set; }
    [JsonPropertyName("limits")] public AccountLimits Limits { get; set; } = new();
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
    [JsonPropertyName("api")] public ApiStats Api { get; set; } = new();
}
