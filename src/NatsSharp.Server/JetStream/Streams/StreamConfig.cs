using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>nats-server 2.9.10's StreamConfig, as the API reads and writes it (durations in nanoseconds).</summary>
internal sealed class StreamConfig
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Description { get; set; }
    [JsonPropertyName("subjects"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<string>? Subjects { get; set; }
    [JsonPropertyName("retention")] public string Retention { get; set; } = "limits";
    [JsonPropertyName("max_consumers")] public int MaxConsumers { get; set; }
    [JsonPropertyName("max_msgs")] public long MaxMsgs { get; set; }
    [JsonPropertyName("max_bytes")] public long MaxBytes { get; set; }
    [JsonPropertyName("max_age")] public long MaxAge { get; set; }
    [JsonPropertyName("max_msgs_per_subject")] public long MaxMsgsPerSubject { get; set; }
    [JsonPropertyName("max_msg_size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int MaxMsgSize { get; set; }
    [JsonPropertyName("discard")] public string Discard { get; set; } = "old";
    [JsonPropertyName("storage")] public string Storage { get; set; } = "file";
    [JsonPropertyName("num_replicas")] public int Replicas { get; set; }
    [JsonPropertyName("no_ack"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool NoAck { get; set; }
    [JsonPropertyName("template_owner"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? TemplateOwner { get; set; }
    [JsonPropertyName("duplicate_window"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public long DuplicateWindow { get; set; }
    [JsonPropertyName("placement"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.Nodes.JsonObject? Placement { get; set; }
    [JsonPropertyName("mirror"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public StreamSourceConfig? Mirror { get; set; }
    [JsonPropertyName("sources"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<StreamSourceConfig>? Sources { get; set; }
    [JsonPropertyName("sealed")] public bool Sealed { get; set; }
    [JsonPropertyName("deny_delete")] public bool DenyDelete { get; set; }
    [JsonPropertyName("deny_purge")] public bool DenyPurge { get; set; }
    [JsonPropertyName("allow_rollup_hdrs")] public bool AllowRollup { get; set; }
    [JsonPropertyName("republish"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public RePublishConfig? RePublish { get; set; }
    [JsonPropertyName("allow_direct")] public bool AllowDirect { get; set; }
    [JsonPropertyName("mirror_direct")] public bool MirrorDirect { get; set; }
    [JsonPropertyName("discard_new_per_subject"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool DiscardNewPerSubject { get; set; }
}
