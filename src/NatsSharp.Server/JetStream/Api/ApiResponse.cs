using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>A response that carries only its type, an error and/or success (deletes, errors).</summary>
internal sealed class ApiResponse
{
    [JsonPropertyName("type")] public string Type { get; set; } = "";
    [JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public JsApiError? Error { get; set; }
    [JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Total { get; set; }
    [JsonPropertyName("offset"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Offset { get; set; }
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Limit { get; set; }
    [JsonPropertyName("success"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Success { get; set; }
    [JsonPropertyName("purged"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ulong? Purged { get; set; }
}
