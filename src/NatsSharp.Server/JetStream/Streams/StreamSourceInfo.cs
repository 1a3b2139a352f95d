using System.Text.Json.Serialization;
using NatsSharp.Server.JetStream.Api;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>STREAM.INFO's <c>mirror</c> and <c>sources</c> entries (nats-server's StreamSourceInfo; <c>active</c> in ns, -1 = never heard from).</summary>
internal sealed class StreamSourceInfo
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("external"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ExternalStream? External { get; set; }
    [JsonPropertyName("lag")] public ulong Lag { get; set; }
    [JsonPropertyName("active")] public long Active { get; set; }
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsApiError? Error { get; set; }
}
