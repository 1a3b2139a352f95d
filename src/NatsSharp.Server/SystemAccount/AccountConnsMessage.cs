using System.Text.Json.Serialization;
using NatsSharp.Server.Monitoring;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// <c>$SYS.ACCOUNT.&lt;acc&gt;.SERVER.CONNS</c> and its old name <c>$SYS.SERVER.ACCOUNT.&lt;acc&gt;.CONNS</c>
/// (<c>io.nats.server.advisory.v1.account_connections</c>): an account's local connections on this server.
/// </summary>
internal sealed class AccountConnsMessage
{
    public const string EventType = "io.nats.server.advisory.v1.account_connections";

    [JsonPropertyName("type")] public string Type { get; set; } = EventType;
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("timestamp")] public string Timestamp { get; set; } = "";
    [JsonPropertyName("server")] public EventServerInfo Server { get; set; } = new();
    [JsonPropertyName("acc")] public string Account { get; set; } = "";
    [JsonPropertyName("conns")] public int Conns { get; set; }
    [JsonPropertyName("leafnodes")] public int LeafNodes { get; set; }
    [JsonPropertyName("total_conns")] public int TotalConns { get; set; }
    [JsonPropertyName("sent")] public DataStats Sent { get; set; } = new();
    [JsonPropertyName("received")] public DataStats Received { get; set; } = new();
    [JsonPropertyName("slow_consumers")] public long SlowConsumers { get; set; }
}
