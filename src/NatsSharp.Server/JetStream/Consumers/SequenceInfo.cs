using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Consumers;

/// <summary>ConsumerInfo's <c>delivered</c> and <c>ack_floor</c>.</summary>
internal sealed class SequenceInfo
{
    [JsonPropertyName("consumer_seq")] public ulong Consumer { get; set; }
    [JsonPropertyName("stream_seq")] public ulong JsStream { get; set; }
    [JsonPropertyName("last_active"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTime? LastActive { get; set; }
}
