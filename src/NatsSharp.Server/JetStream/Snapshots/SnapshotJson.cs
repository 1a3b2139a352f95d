using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>Source-generated serializers for the JSON inside snapshot archives (NativeAOT).</summary>
[JsonSerializable(typeof(SnapshotStreamMeta))]
[JsonSerializable(typeof(SnapshotConsumerMeta))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
