using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>Source-generated serializers for every monitoring response (no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Varz))]
[JsonSerializable(typeof(Connz))]
[JsonSerializable(typeof(Subsz))]
[JsonSerializable(typeof(SublistStatsJson))]
[JsonSerializable(typeof(Routez))]
[JsonSerializable(typeof(Leafz))]
[JsonSerializable(typeof(Gatewayz))]
[JsonSerializable(typeof(Accountz))]
[JsonSerializable(typeof(AccountStatz))]
[JsonSerializable(typeof(AccountInfo))]
[JsonSerializable(typeof(Jsz))]
[JsonSerializable(typeof(JszAccount))]
internal sealed partial class MonitorJson : JsonSerializerContext;
