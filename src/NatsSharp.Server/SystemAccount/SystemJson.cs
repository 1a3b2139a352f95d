using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary>Source-generated serializers for the $SYS events (compact, as Go's json.Marshal).</summary>
[JsonSerializable(typeof(EventServerInfo))]
[JsonSerializable(typeof(ServerStatsMessage))]
[JsonSerializable(typeof(ConnectEventMessage))]
[JsonSerializable(typeof(DisconnectEventMessage))]
[JsonSerializable(typeof(AccountConnsMessage))]
[JsonSerializable(typeof(RequestInfo))]
[JsonSerializable(typeof(UserInfo))]
internal sealed partial class SystemJson : JsonSerializerContext;
