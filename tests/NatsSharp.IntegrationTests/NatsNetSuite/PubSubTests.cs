using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's pub/sub scenarios (ProtocolTest.Subscription_with_same_subject and Publish_empty_message_for_notifications,
/// NatsConnectionTest.SimplePubSubTest and HeaderParsingTest), on nats-server 2.9.10 and on NatsSharp.
/// </summary>
public class PubSubTests
{
    private static readonly string[] MultiValue = ["multi-value-0", "multi-value-1"];

    [Fact]
    public async Task Subscriptions_with_the_same_subject_each_get_their_own_copy()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection subs = await BothServers.ConnectAsync(node.Url);
            await using NatsConnection pub = await BothServers.ConnectAsync(node.Url);
            await using INatsSub<int> bar1 = await subs.SubscribeCoreAsync<int>("foo.bar");
            await using INatsSub<int> bar2 = await subs.SubscribeCoreAsync<int>("foo.bar");
            await using INatsSub<int> baz = await subs.SubscribeCoreAsync<int>("foo.baz");
            await subs.PingAsync(); // the server has the three SUBs

            for (int i = 1; i <= 10; i++)
            {
                await pub.PublishAsync("foo.bar", i);
            }

            await pub.PublishAsync("foo.baz", 1);
            await pub.PublishAsync("foo.baz", -1); // the marker: foo.bar copies for baz would have come first
            var lines = new List<string>
            {
                "bar1: " + await ReadAsync(bar1, 10),
                "bar2: " + await ReadAsync(bar2, 10),
                "baz: " + await ReadAsync(baz, 2),
            };
            Assert.Equal(["bar1: foo.bar=1,foo.bar=2,foo.bar=3,foo.bar=4,foo.bar=5,foo.bar=6,foo.bar=7,foo.bar=8,foo.bar=9,foo.bar=10",
                "bar2: foo.bar=1,foo.bar=2,foo.bar=3,foo.bar=4,foo.bar=5,foo.bar=6,foo.bar=7,foo.bar=8,foo.bar=9,foo.bar=10",
                "baz: foo.baz=1,foo.baz=-1"], lines);
            return string.Join("\n", lines);
        });
    }

    [Fact]
    public async Task Empty_payloads_empty_headers_and_multi_value_headers_arrive_as_sent()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);
            await using INatsSub<int> sub = await c.SubscribeCoreAsync<int>("foo.*");
            await c.PingAsync();

            await c.PublishAsync("foo.signal1"); // PUB foo.signal1 0
            await c.PublishAsync("foo.signal2", headers: new NatsHeaders()); // HPUB foo.signal2 12 12
            await c.PublishAsync("foo.signal3", 100, headers: new NatsHeaders
            {
                ["Test-Header-Key"] = "test-header-value",
                ["Multi"] = MultiValue,
            });

            var lines = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                NatsMsg<int> m = await BothServers.NextAsync(sub);
                string headers = m.Headers is null
                    ? "null"
                    : "[" + string.Join(";", m.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={string.Join("|", h.Value.ToArray())}")) + "]";
                lines.Add($"{m.Subject} data={m.Data} size={m.Size} headers={headers}");
            }

            Assert.StartsWith("foo.signal1 data=0 size=", lines[0]);
            Assert.EndsWith("headers=null", lines[0]);
            Assert.StartsWith("foo.signal2 data=0 size=", lines[1]);
            Assert.EndsWith("headers=[]", lines[1]);
            Assert.EndsWith("headers=[Multi=multi-value-0|multi-value-1;Test-Header-Key=test-header-value]", lines[2]);
            return string.Join("\n", lines);
        });
    }

    private static async Task<string> ReadAsync(INatsSub<int> sub, int count)
    {
        var got = new List<string>();
        for (int i = 0; i < count; i++)
        {
            NatsMsg<int> m = await BothServers.NextAsync(sub);
            got.Add($"{m.Subject}={m.Data}");
        }

        return string.Join(",", got);
    }
}
