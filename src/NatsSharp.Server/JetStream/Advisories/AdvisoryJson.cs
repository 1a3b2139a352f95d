using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Advisories;

/// <summary>Source-generated serializers for the $JS.EVENT.&gt; advisories (NativeAOT).</summary>
[JsonSerializable(typeof(ApiAuditAdvisory))]
[JsonSerializable(typeof(StreamActionAdvisory))]
[JsonSerializable(typeof(ConsumerActionAdvisory))]
[JsonSerializable(typeof(DeliveryAdvisory))]
[JsonSerializable(typeof(MaxDeliveriesAdvisory))]
[JsonSerializable(typeof(AckMetric))]
[JsonSerializable(typeof(SnapshotCreateAdvisory))]
[JsonSerializable(typeof(SnapshotCompleteAdvisory))]
[JsonSerializable(typeof(RestoreCreateAdvisory))]
[JsonSerializable(typeof(RestoreCompleteAdvisory))]
internal sealed partial class AdvisoryJson : JsonSerializerContext;
