using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>STREAM.INFO's <c>state</c>.</summary>
internal sealed class StreamState
{
    [JsonPropertyName("messages")] public ulong Messages { get; set; }
    [JsonPropertyName("bytes")] public ulong Bytes { get; set; }
    [JsonPropertyName("first_seq")] public ulong FirstSeq { get; set; }
    [JsonPropertyName("first_ts")] public DateTime FirstTime { get; set; }
    [JsonPropertyName("last_seq")] public ulong LastSeq { get; set; }
    [JsonPropertyName("last_ts")] public DateTime LastTime { get; set; }
    [JsonPropertyName("num_subjects"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong NumSubjects { get; set; }
    [JsonPropertyName("subjects"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, ulong>? Subjects { get; set; }
    [JsonPropertyName("num_deleted"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong NumDeleted { get; set; }
    [JsonPropertyName("consumer_count")] public int Consumers { get; set; }
}
