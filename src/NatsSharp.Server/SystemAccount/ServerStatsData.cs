using System.Text.Json.Serialization;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.SystemAccount;

/// <summary>The <c>"statsz"</c> object (nats-server's <c>ServerStats</c>).</summary>
internal sealed class ServerStatsData
{
    [JsonPropertyName("start")] public string Start { get; set; } = "";
    [JsonPropertyName("mem")] public long Mem { get; set; }
    [JsonPropertyName("cores")] public int Cores { get; set; }
    [JsonPropertyName("cpu")] public double Cpu { get; set; }
    [JsonPropertyName("connections")] public int Connections { get; set; }
    [JsonPropertyName("total_connections")] public long TotalConnections { get; set; }
    [JsonPropertyName("active_accounts")] public int ActiveAccounts { get; set; }
    [JsonPropertyName("subscriptions")] public long Subscriptions { get; set; }
    [JsonPropertyName("sent")] public DataStats Sent { get; set; } = new();
    [JsonPropertyName("received")] public DataStats Received { get; set; } = new();
    [JsonPropertyName("slow_consumers")] public long SlowConsumers { get; set; }
    [JsonPropertyName("routes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<RouteStat>? Routes { get; set; }
    [JsonPropertyName("active_servers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int ActiveServers { get; set; }
}
