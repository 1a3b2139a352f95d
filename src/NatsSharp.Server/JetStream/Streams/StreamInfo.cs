using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>A stream's info: STREAM.INFO/CREATE/UPDATE responses and STREAM.LIST entries.</summary>
internal sealed class StreamInfo
{
    [JsonPropertyName("type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Type { get; set; }
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Api.JsApiError? Error { get; set; }
    [JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Total { get; set; }
    [JsonPropertyName("offset"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Offset { get; set; }
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Limit { get; set; }
    [JsonPropertyName("config")] public StreamConfig Config { get; set; } = new();
    [JsonPropertyName("created")] public DateTime Created { get; set; }
    [JsonPropertyName("state")] public StreamState State { get; set; } = new();
    [JsonPropertyName("domain"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Domain { get; set; }
    [JsonPropertyName("cluster"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Api.ClusterInfo? Cluster { get; set; }
    [JsonPropertyName("mirror"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public StreamSourceInfo? Mirror { get; set; }
    [JsonPropertyName("sources"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<StreamSourceInfo>? Sources { get; set; }
    [JsonPropertyName("did_create"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool DidCreate { get; set; }
}
