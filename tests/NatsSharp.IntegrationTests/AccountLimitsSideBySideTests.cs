using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// <c>accounts { A: { limits { } } }</c> against the real nats-server 2.9.10 and NatsSharp, with raw clients:
/// the same replies when an account's connection, subscription and payload limits are reached.
/// </summary>
public class AccountLimitsSideBySideTests
{
    private const string Config = """
        accounts {
          A: { users: [{user: a, password: a}, {user: a2, password: a}], limits: { max_subscriptions: 2, max_connections: 1, max_payload: 10 } }
          Z: { users: [{user: z, password: z}], limits: { max_pay: 0, max_conn: -1 } }
          W: { users: [{user: w, password: w}], limits: { max_subs: 5, max_payload: 2MB } }
        }
        max_subscriptions: 3
        """;

    [Fact]
    public async Task Connection_subscription_and_payload_limits_answer_the_same()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);

        string expected = await Scenario(real.Port);
        Assert.Equal(
            "a: info max_payload=10 | subs: -ERR 'maximum subscriptions exceeded',PONG | a2: -ERR 'maximum account active connections exceeded',closed"
            + " | pub 10: MSG x 1 10 | pub 11: -ERR 'Maximum Payload Violation',closed | a2 after a left: PONG"
            + " | z: info max_payload=0, pub 0: PONG, pub 1: -ERR 'Maximum Payload Violation',closed"
            + " | w: info none, subs: -ERR 'maximum subscriptions exceeded',PONG",
            expected);
        Assert.Equal(expected, await Scenario(ours.Port));
    }

    private static async Task<string> Scenario(int port)
    {
        var parts = new List<string>();
        await using RawClient a = await Connect(port, "a", "a");
        parts.Add($"a: info {await AsyncInfo(a)}");
        await a.SendAsync("SUB x 1\r\nSUB y 2\r\nSUB z 3\r\nPING\r\n");
        parts.Add($"subs: {await a.ReadLineSkippingPingsAsync()},{await a.ReadLineSkippingPingsAsync()}");

        await using (RawClient a2 = await Connect(port, "a2", "a"))
        {
            parts.Add($"a2: {string.Join(",", await a2.ReadUntilClosedAsync())},closed");
        }

        await a.SendAsync("PUB x 10\r\n0123456789\r\nPING\r\n");
        parts.Add($"pub 10: {await a.ReadLineSkippingPingsAsync()}");
        await a.ReadPayloadAsync(10);
        Assert.Equal("PONG", await a.ReadLineSkippingPingsAsync());
        await a.SendAsync("PUB x 11\r\n0123456789a\r\n");
        parts.Add($"pub 11: {string.Join(",", await a.ReadUntilClosedAsync())},closed");
        parts.Add($"a2 after a left: {await FirstReplyOnceCountedOut(port)}");

        await using (RawClient z = await Connect(port, "z", "z"))
        {
            string info = await AsyncInfo(z);
            await z.SendAsync("PUB q 0\r\n\r\nPING\r\n");
            string pub0 = await z.ReadLineSkippingPingsAsync();
            await z.SendAsync("PUB q 1\r\nx\r\n");
            parts.Add($"z: info {info}, pub 0: {pub0}, pub 1: {string.Join(",", await z.ReadUntilClosedAsync())},closed");
        }

        // The server's max_subscriptions (3) is lower than W's (5) and wins; its max_payload (1MB) wins over 2MB.
        await using (RawClient w = await Connect(port, "w", "w"))
        {
            string info = await AsyncInfo(w);
            await w.SendAsync("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\nSUB d 4\r\nPING\r\n");
            parts.Add($"w: info {info}, subs: {await w.ReadLineSkippingPingsAsync()},{await w.ReadLineSkippingPingsAsync()}");
        }

        return string.Join(" | ", parts);
    }

    private static async Task<RawClient> Connect(int port, string user, string pass)
    {
        RawClient c = await RawClient.ConnectAsync(port);
        await c.SendAsync($"CONNECT {{\"verbose\":false,\"protocol\":1,\"user\":\"{user}\",\"pass\":\"{pass}\"}}\r\nPING\r\n");
        return c;
    }

    /// <summary>After the first PONG: the INFO that tells a lowered max_payload, or "none" (a marker PING proves nothing came).</summary>
    private static async Task<string> AsyncInfo(RawClient c)
    {
        Assert.Equal("PONG", await c.ReadLineSkippingPingsAsync());
        await c.SendAsync("PING\r\n");
        string line = await c.ReadLineSkippingPingsAsync();
        if (line == "PONG")
        {
            return "none";
        }

        Assert.Equal("PONG", await c.ReadLineSkippingPingsAsync());
        using JsonDocument info = JsonDocument.Parse(line["INFO ".Length..]);
        return $"max_payload={info.RootElement.GetProperty("max_payload").GetInt32()}";
    }

    /// <summary>The account's count drops when the server has processed the close: retried a bounded number of times.</summary>
    private static async Task<string> FirstReplyOnceCountedOut(int port)
    {
        string reply = "";
        await Eventually.ReachedAsync(
            async () =>
            {
                await using RawClient c = await Connect(port, "a2", "a");
                reply = await c.ReadLineSkippingPingsAsync();
                return reply == "PONG";
            },
            TimeSpan.FromSeconds(5),
            TimeSpan.FromMilliseconds(20)); // the outcome is asserted by the caller, not the timing
        return reply;
    }
}
