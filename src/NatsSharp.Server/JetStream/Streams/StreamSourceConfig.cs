using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>nats-server 2.9.10's StreamSource: a stream's <c>mirror</c> or one of its <c>sources</c>.</summary>
internal sealed class StreamSourceConfig
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("opt_start_seq"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong OptStartSeq { get; set; }
    [JsonPropertyName("opt_start_time"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTime? OptStartTime { get; set; }
    [JsonPropertyName("filter_subject"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? FilterSubject { get; set; }
    [JsonPropertyName("external"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public ExternalStream? External { get; set; }

    /// <summary>The name the Nats-Stream-Source header carries (nats-server's iname): an external one adds the hash of its API prefix.</summary>
    [JsonIgnore] public string IndexName => External is null ? Name : Name + ":" + SystemAccount.SystemServices.NodeHash(External.ApiPrefix);

    /// <summary>Equal as nats-server's reflect.DeepEqual of two StreamSource values.</summary>
    public static bool Same(StreamSourceConfig? a, StreamSourceConfig? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Name == b.Name && a.OptStartSeq == b.OptStartSeq && a.OptStartTime == b.OptStartTime
              && (a.FilterSubject ?? "") == (b.FilterSubject ?? "")
              && (a.External?.ApiPrefix, a.External?.DeliverPrefix) == (b.External?.ApiPrefix, b.External?.DeliverPrefix);
}
