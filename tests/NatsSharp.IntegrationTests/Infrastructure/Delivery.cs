namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// Waiting for interest to cross a route or leafnode connection, and proving that nothing else arrived,
/// without fixed sleeps: messages from one publisher over one hop keep their order, so a marker sent
/// after the fact arrives after anything that was sent before it.
/// </summary>
public static class Delivery
{
    /// <summary>
    /// Publishes <paramref name="payload"/> on <paramref name="subject"/> until <paramref name="subscriber"/>
    /// receives a message on it (interest crosses hops asynchronously). Then sends a marker on the same
    /// subject and reads up to it, so the late copies of the probe are gone too. Bounded: 50 rounds of
    /// 200 ms by default. <paramref name="deliveredAs"/> is the subject the subscriber sees when an
    /// import maps it.
    /// </summary>
    public static async Task PublishUntilDeliveredAsync(
        RawClient publisher, string subject, RawClient subscriber, string payload = ".", int attempts = 50, TimeSpan? wait = null, string? deliveredAs = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            await publisher.SendAsync($"PUB {subject} {payload.Length}\r\n{payload}\r\nPING\r\n");
            await publisher.ExpectAsync("PONG");
            try
            {
                string line = await subscriber.ReadLineSkippingPingsAsync(wait ?? TimeSpan.FromMilliseconds(200));
                Assert.StartsWith($"MSG {deliveredAs ?? subject} ", line);
                Assert.Equal(payload, await subscriber.ReadLineAsync());
                break;
            }
            catch (TimeoutException) when (attempt < attempts)
            {
            }
        }

        await SettleAsync(publisher, subject, subscriber);
    }

    /// <summary>
    /// Sends a unique marker on <paramref name="subject"/> from <paramref name="publisher"/> and reads
    /// <paramref name="subscriber"/> up to it, dropping whatever came before (late probes). The subscriber
    /// must already receive that subject from that publisher.
    /// </summary>
    public static async Task SettleAsync(RawClient publisher, string subject, RawClient subscriber) =>
        await MessagesBeforeMarkerAsync(publisher, subject, subscriber);

    /// <summary>
    /// Sends a unique marker on <paramref name="markerSubject"/> from <paramref name="publisher"/> and
    /// returns every message <paramref name="subscriber"/> received before it, as "MSG … payload", sorted,
    /// probes (payload ".") left out. Anything the publisher sent earlier over the same hop has arrived
    /// by then, so a message missing from the list never arrived.
    /// </summary>
    public static async Task<List<string>> MessagesBeforeMarkerAsync(RawClient publisher, string markerSubject, RawClient subscriber)
    {
        string marker = "marker-" + Guid.NewGuid().ToString("N");
        await publisher.SendAsync($"PUB {markerSubject} {marker.Length}\r\n{marker}\r\nPING\r\n");
        await publisher.ExpectAsync("PONG");
        return await subscriber.MessagesUntilAsync(marker);
    }
}
