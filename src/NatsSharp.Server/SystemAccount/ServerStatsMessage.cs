using System.Text.Json.Serialization;

namespace NatsSharp.Server.SystemAccount;

/// <summary><c>$SYS.SERVER.&lt;id&gt;.STATSZ</c> and the answer to <c>$SYS.REQ.SERVER.PING</c>.</summary>
internal sealed class ServerStatsMessage
{
    [JsonPropertyName("server")] public EventServerInfo Server { get; set; } = new();
    [JsonPropertyName("statsz")] public ServerStatsData Stats { get; set; } = new();
}
