using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>STREAM.MSG.GET's <c>message</c>.</summary>
internal sealed class StoredMessageJson
{
    [JsonPropertyName("subject")] public string Subject { get; set; } = "";
    [JsonPropertyName("seq")] public ulong Sequence { get; set; }
    [JsonPropertyName("hdrs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public byte[]? Header { get; set; }
    [JsonPropertyName("data"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public byte[]? Data { get; set; }
    [JsonPropertyName("time")] public DateTime Time { get; set; }
}
