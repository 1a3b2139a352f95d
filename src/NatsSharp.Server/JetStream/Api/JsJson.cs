using System.Text.Json.Serialization;

namespace NatsSharp.Server.JetStream.Api;

/// <summary>Source-generated serializers for the JetStream API (no reflection: NativeAOT).</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(Streams.StreamConfig))]
[JsonSerializable(typeof(Streams.StreamInfo))]
[JsonSerializable(typeof(Consumers.ConsumerConfig))]
[JsonSerializable(typeof(Consumers.ConsumerInfo))]
[JsonSerializable(typeof(ApiResponse))]
[JsonSerializable(typeof(NamesResponse))]
[JsonSerializable(typeof(ListResponse))]
[JsonSerializable(typeof(ApiRequest))]
[JsonSerializable(typeof(ConsumerCreateRequest))]
[JsonSerializable(typeof(MsgGetResponse))]
[JsonSerializable(typeof(PubAck))]
[JsonSerializable(typeof(AccountInfoResponse))]
[JsonSerializable(typeof(NextRequest))]
[JsonSerializable(typeof(SnapshotRequest))]
[JsonSerializable(typeof(SnapshotResponse))]
[JsonSerializable(typeof(RestoreRequest))]
[JsonSerializable(typeof(RestoreResponse))]
internal sealed partial class JsJson : JsonSerializerContext;
