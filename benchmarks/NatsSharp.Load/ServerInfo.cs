using System.Text.Json;

namespace NatsSharp.Load;

/// <summary>The few INFO fields natsload cares about.</summary>
internal sealed class ServerInfo
{
    public static readonly ServerInfo Empty = new();

    public string ServerId { get; private init; } = "";

    public string ServerName { get; private init; } = "";

    public string Version { get; private init; } = "";

    public long MaxPayload { get; private init; } = 1024 * 1024;

    public bool TlsRequired { get; private init; }

    public static ServerInfo Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using JsonDocument doc = JsonDocument.ParseValue(ref reader);
            JsonElement root = doc.RootElement;
            return new ServerInfo
            {
                ServerId = GetString(root, "server_id"),
                ServerName = GetString(root, "server_name"),
                Version = GetString(root, "version"),
                MaxPayload = root.TryGetProperty("max_payload", out JsonElement mp) && mp.TryGetInt64(out long max) ? max : 1024 * 1024,
                TlsRequired = root.TryGetProperty("tls_required", out JsonElement tls) && tls.ValueKind == JsonValueKind.True,
            };
        }
        catch (JsonException ex)
        {
            throw new LoadException("server sent an unparsable INFO: " + ex.Message, ex);
        }
    }

    private static string GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : "";
}
