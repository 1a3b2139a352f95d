using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// One import in /accountz?acc=NAME (nats-server's ExtImport). A stream names the exporter's
/// subject and its <c>local_subject</c>; a service names the local subject and, in <c>to</c>, the exporter's.
/// </summary>
internal sealed class ImportInfo
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("account")] public string Account { get; init; } = "";
    [JsonPropertyName("to"), JsonIgnore(Condition = OmitEmpty)] public string? To { get; init; }
    [JsonPropertyName("local_subject"), JsonIgnore(Condition = OmitEmpty)] public string? LocalSubject { get; init; }
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("invalid")] public bool Invalid { get; init; }
    [JsonPropertyName("share")] public bool Share { get; init; }
    [JsonPropertyName("tracking")] public bool Tracking { get; init; }
}
