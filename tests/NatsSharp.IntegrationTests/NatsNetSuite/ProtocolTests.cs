using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's protocol-level checks: PING/PONG, what the client reads from INFO, and
/// ProtocolTest.Proactively_reject_payloads_over_the_threshold_set_by_server (max_payload from INFO).
/// </summary>
public class ProtocolTests
{
    [Fact]
    public async Task Ping_pong_and_the_info_the_client_reads()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);
            for (int i = 0; i < 3; i++)
            {
                await c.PingAsync(); // each PING answered by a PONG
            }

            INatsServerInfo info = c.ServerInfo!;
            Assert.Equal(node.ClientPort, info.Port);
            return string.Join("\n",
                $"name={info.Name} host={info.Host} proto={info.ProtocolVersion} headers={info.HeadersSupported}",
                $"max_payload={info.MaxPayload} auth_required={info.AuthRequired} tls_required={info.TlsRequired}",
                $"jetstream={info.JetStreamAvailable} client_ip={info.ClientIp} has_client_id={info.ClientId > 0}",
                $"connect_urls={(info.ClientConnectUrls is null ? "none" : string.Join(",", info.ClientConnectUrls))} lame_duck={info.LameDuckMode}");
        });
    }

    [Fact]
    public async Task Payloads_up_to_max_payload_pass_and_one_byte_more_is_refused_by_the_client()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind, "max_payload: 65536");
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url);
            await using INatsSub<byte[]> sub = await c.SubscribeCoreAsync<byte[]>("foo.*");
            await c.PingAsync();
            long max = c.ServerInfo!.MaxPayload;
            Assert.Equal(65536, max);

            await c.PublishAsync("foo.signal1", new byte[max]);
            Assert.Equal(max, (await BothServers.NextAsync(sub)).Data!.Length);
            Exception e = await Assert.ThrowsAnyAsync<Exception>(() => c.PublishAsync("foo.none", new byte[max + 1]).AsTask());
            Assert.Matches(@"Payload size \d+ exceeds server's maximum payload size \d+", e.Message);
            await c.PublishAsync("foo.signal2", new byte[123]);
            NatsMsg<byte[]> after = await BothServers.NextAsync(sub);
            Assert.Equal("foo.signal2", after.Subject); // foo.none never went out, and the connection is still fine
            return $"max_payload={max}; {max} bytes delivered; one more: {BothServers.Describe(e)}; then {after.Data!.Length} bytes on {after.Subject}";
        });
    }
}
