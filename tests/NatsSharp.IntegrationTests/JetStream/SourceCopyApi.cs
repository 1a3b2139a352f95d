using System.Globalization;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>The raw $JS.API requests the mirror/source side-by-side tests read streams with (external account and domain).</summary>
internal static class SourceCopyApi
{
    internal static string Describe(JsonElement m)
    {
        string header = m.TryGetProperty("hdrs", out JsonElement h) ? Encoding.UTF8.GetString(h.GetBytesFromBase64()) : "";
        string source = header.Contains("Nats-Stream-Source: ", StringComparison.Ordinal) ? header.Split("Nats-Stream-Source: ")[1].Split("\r\n")[0] : "";
        return $"{m.GetProperty("subject").GetString()} {Encoding.UTF8.GetString(m.GetProperty("data").GetBytesFromBase64())} <{source}>";
    }

    internal static async Task WaitMessagesAsync(NatsConnection c, string stream, int count) =>
        await Eventually.TrueAsync(async () => Field(await RequestAsync(c, $"$JS.API.STREAM.INFO.{stream}", ""), "state", "messages") == count.ToString(CultureInfo.InvariantCulture),
            $"stream {stream} holding {count} messages", TimeSpan.FromSeconds(30));

    internal static async Task<JsonElement> GetMessageAsync(NatsConnection c, string stream, ulong seq)
    {
        string got = await RequestAsync(c, $"$JS.API.STREAM.MSG.GET.{stream}", $$"""{"seq":{{seq}}}""");
        using JsonDocument doc = JsonDocument.Parse(got);
        Assert.True(doc.RootElement.TryGetProperty("message", out JsonElement m), $"{stream} seq {seq}: {got}");
        return m.Clone();
    }

    internal static async Task RequestOkAsync(NatsConnection c, string subject, string body)
    {
        string answer = await RequestAsync(c, subject, body);
        Assert.True(ErrorOf(answer) == "", $"{subject} {body}: {answer}");
    }

    internal static async Task<string> RequestAsync(NatsConnection c, string subject, string body)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, Encoding.UTF8.GetBytes(body),
            replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(5) });
        return Encoding.UTF8.GetString(reply.Data ?? []);
    }

    internal static string ErrorOf(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement root = doc.RootElement;
        if (root.TryGetProperty("error", out JsonElement e))
        {
            return $"{e.GetProperty("code").GetInt32()} {e.GetProperty("err_code").GetInt32()} {e.GetProperty("description").GetString()}";
        }

        // A mirror's or source's own error.
        foreach (string entry in new[] { "mirror", "sources" })
        {
            if (root.TryGetProperty(entry, out JsonElement s) && s.ToString().Contains("\"error\"", StringComparison.Ordinal))
            {
                return s.ToString();
            }
        }

        return "";
    }

    /// <summary>A nested value as normalized JSON text ("" when absent); an array's first element is looked into.</summary>
    internal static string Field(string json, params string[] path)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement e = doc.RootElement;
        foreach (string p in path)
        {
            if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0)
            {
                e = e[0];
            }

            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
            {
                return "";
            }
        }

        return e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : JsonSerializer.Serialize(e);
    }
}
