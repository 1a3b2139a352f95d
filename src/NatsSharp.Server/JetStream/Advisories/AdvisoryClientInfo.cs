using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>
/// The audit's <c>client</c>: what nats-server's JetStream service import stamps on a request (the
/// account and the server; nats-server adds the client's RTT, which an internal subscriber does not see).
/// </summary>
internal sealed class AdvisoryClientInfo
{
    [JsonPropertyName("acc")] public string Account { get; set; } = "";
    [JsonPropertyName("server"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Server { get; set; }
}
