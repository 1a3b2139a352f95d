using System.Text.Json.Serialization;

namespace NatsSharp.Server.Protocol;

/// <summary>Source-generated JSON for the protocol's INFO and CONNECT (no reflection at run time).</summary>
/// <remarks>Go's decoder matches keys case-insensitively, so CONNECT does too.</remarks>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(ServerInfo))]
[JsonSerializable(typeof(ConnectOptions))]
[JsonSerializable(typeof(RouteConnect))]
[JsonSerializable(typeof(LeafConnect))]
internal sealed partial class ProtocolJson : JsonSerializerContext
{
}
