using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>nats-server 2.9.10's RePublish: stored messages matching <c>src</c> are published again on <c>dest</c>.</summary>
internal sealed class RePublishConfig
{
    [JsonPropertyName("src"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Source { get; set; }
    [JsonPropertyName("dest")] public string Destination { get; set; } = "";
    [JsonPropertyName("headers_only"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool HeadersOnly { get; set; }

    public static bool Same(RePublishConfig? a, RePublishConfig? b) =>
        a is null || b is null
            ? a is null && b is null
            : (a.Source ?? "") == (b.Source ?? "") && a.Destination == b.Destination && a.HeadersOnly == b.HeadersOnly;
}
