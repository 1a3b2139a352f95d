using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>The union of the small API request bodies (names, list, info, purge, msg get/delete).</summary>
internal sealed class ApiRequest
{
    [JsonPropertyName("offset")] public int Offset { get; set; }
    [JsonPropertyName("subject")] public string? Subject { get; set; }
    [JsonPropertyName("subjects_filter")] public string? SubjectsFilter { get; set; }
    [JsonPropertyName("filter")] public string? Filter { get; set; }
    [JsonPropertyName("seq")] public ulong Seq { get; set; }
    [JsonPropertyName("keep")] public ulong Keep { get; set; }
    [JsonPropertyName("last_by_subj")] public string? LastBySubject { get; set; }
    [JsonPropertyName("next_by_subj")] public string? NextBySubject { get; set; }
    [JsonPropertyName("no_erase")] public bool NoErase { get; set; }
}
