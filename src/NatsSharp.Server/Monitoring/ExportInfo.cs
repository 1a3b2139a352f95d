using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>One export in /accountz?acc=NAME (nats-server's ExtExport).</summary>
internal sealed class ExportInfo
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";

    /// <summary>Services only: Singleton, Streamed or Chunked.</summary>
    [JsonPropertyName("response_type"), JsonIgnore(Condition = OmitEmpty)] public string? ResponseType { get; init; }

    /// <summary>The accounts allowed to import; absent for a public export.</summary>
    [JsonPropertyName("approved_accounts"), JsonIgnore(Condition = OmitEmpty)] public List<string>? ApprovedAccounts { get; init; }
}
