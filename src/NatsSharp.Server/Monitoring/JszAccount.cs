using System.Text.Json.Serialization;

namespace NatsSharp.Server.Monitoring;

/// <summary>One account of /jsz?accounts=true and the data of $SYS.REQ.ACCOUNT.&lt;acc&gt;.JSZ (nats-server's AccountDetail, without streams).</summary>
internal sealed class JszAccount
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("memory")] public ulong Memory { get; init; }
    [JsonPropertyName("storage")] public ulong Storage { get; init; }
    [JsonPropertyName("reserved_memory")] public ulong ReservedMemory { get; init; }
    [JsonPropertyName("reserved_storage")] public ulong ReservedStorage { get; init; }
    [JsonPropertyName("accounts")] public int Accounts { get; init; }
    [JsonPropertyName("ha_assets")] public int HaAssets { get; init; }
    [JsonPropertyName("api")] public JetStream.Api.ApiStats Api { get; init; } = new();
}
