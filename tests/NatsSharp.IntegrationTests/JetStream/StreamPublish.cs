using System.Globalization;
using System.Text;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>Stream publishes over a raw connection that declared headers and subscribes to its reply subject with sid 1.</summary>
internal static class StreamPublish
{
    /// <summary>
    /// Publishes with a message id (derived from the payload) and returns the PubAck. nats-server 2.9.10 has answered
    /// a stream publish right after a reload with an empty message (CI, 2026-12-06, twice; not reproduced in many runs
    /// here): such an answer is retried with the same id, which the duplicate window makes safe.
    /// </summary>
    public static async Task<string> WithIdAsync(RawClient client, string subject, string reply, string payload)
    {
        string headers = $"NATS/1.0\r\nNats-Msg-Id: id-{payload}\r\n\r\n";
        string answer = "";
        for (int attempt = 0; attempt < 3 && answer.Length == 0; attempt++)
        {
            await client.SendAsync($"HPUB {subject} {reply} {headers.Length} {headers.Length + Encoding.UTF8.GetByteCount(payload)}\r\n{headers}{payload}\r\n");
            string line = await client.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15));
            Assert.StartsWith($"MSG {reply} 1 ", line, StringComparison.Ordinal);
            answer = await client.ReadPayloadAsync(int.Parse(line.Split(' ')[^1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(15));
        }

        return answer;
    }
}
