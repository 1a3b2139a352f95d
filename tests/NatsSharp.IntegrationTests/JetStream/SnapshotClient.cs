using System.Text.Json;
using NATS.Client.Core;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// A stream backup and restore done the way the nats CLI (jsm.go) does it, over raw $JS.API requests:
/// subscribe an inbox, request STREAM.SNAPSHOT, answer every chunk's reply, stop at the empty message;
/// request STREAM.RESTORE, send the archive in chunks as requests, then an empty request for the result.
/// </summary>
internal static class SnapshotClient
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>The snapshot response, the archive and each data chunk's reply subject (empty archive when the response is an error).</summary>
    public static async Task<(string Response, byte[] Archive, List<string> Replies)> SnapshotAsync(NatsConnection c, string stream, string body = """{"deliver_subject":"%INBOX%"}""")
    {
        string inbox = c.NewInbox();
        await using INatsSub<byte[]> sub = await c.SubscribeCoreAsync<byte[]>(inbox);
        string response = await RequestAsync(c, $"$JS.API.STREAM.SNAPSHOT.{stream}", body.Replace("%INBOX%", inbox, StringComparison.Ordinal));
        var archive = new MemoryStream();
        var replies = new List<string>();
        if (response.Contains("\"error\"", StringComparison.Ordinal))
        {
            return (response, [], replies);
        }

        using var cts = new CancellationTokenSource(Wait);
        for (int i = 0; i < 1_000_000; i++)
        {
            NatsMsg<byte[]> m = await sub.Msgs.ReadAsync(cts.Token);
            if (m.Data is not { Length: > 0 } data)
            {
                Assert.True(string.IsNullOrEmpty(m.ReplyTo), $"the end message has a reply: {m.ReplyTo}");
                break;
            }

            archive.Write(data);
            replies.Add(m.ReplyTo ?? "");
            if (m.ReplyTo is { Length: > 0 } ack)
            {
                await c.PublishAsync(ack, Array.Empty<byte>());
            }
        }

        return (response, archive.ToArray(), replies);
    }

    /// <summary>The restore request body nats' backup.json holds: the snapshot response's config and state.</summary>
    public static string RestoreBody(string snapshotResponse)
    {
        using JsonDocument doc = JsonDocument.Parse(snapshotResponse);
        return $$"""{"config":{{doc.RootElement.GetProperty("config").GetRawText()}},"state":{{doc.RootElement.GetProperty("state").GetRawText()}}}""";
    }

    /// <summary>
    /// Restores <paramref name="archive"/>: the restore response, then (when it gave a deliver subject) the
    /// answer to the empty end chunk. <paramref name="chunks"/> sends only that many chunks; <paramref name="end"/> false sends no end.
    /// </summary>
    public static async Task<(string Response, string? Final)> RestoreAsync(NatsConnection c, string stream, string body, byte[] archive,
        int chunkSize = 64 * 1024, int chunks = int.MaxValue, bool end = true)
    {
        string response = await RequestAsync(c, $"$JS.API.STREAM.RESTORE.{stream}", body);
        string deliver;
        using (JsonDocument doc = JsonDocument.Parse(response))
        {
            deliver = doc.RootElement.GetProperty("deliver_subject").GetString() ?? "";
        }

        if (deliver.Length == 0)
        {
            return (response, null);
        }

        for (int at = 0, n = 0; at < archive.Length && n < chunks; at += chunkSize, n++)
        {
            string ack = await RequestAsync(c, deliver, archive[at..Math.Min(archive.Length, at + chunkSize)]);
            if (ack.Length > 0)
            {
                return (response, ack); // an error instead of the empty acknowledgement
            }
        }

        return (response, end ? await RequestAsync(c, deliver, []) : null);
    }

    public static Task<string> RequestAsync(NatsConnection c, string subject, string body) =>
        RequestAsync(c, subject, System.Text.Encoding.UTF8.GetBytes(body));

    public static async Task<string> RequestAsync(NatsConnection c, string subject, byte[] body)
    {
        NatsMsg<byte[]> reply = await c.RequestAsync<byte[], byte[]>(subject, body, replyOpts: new NatsSubOpts { Timeout = Wait });
        return System.Text.Encoding.UTF8.GetString(reply.Data ?? []);
    }
}
