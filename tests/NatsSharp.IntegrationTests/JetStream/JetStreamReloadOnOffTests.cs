using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.JetStream;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// JetStream turned off by a reload while publishes stream in, then on again: every publish that was
/// acknowledged is in the reopened stream, and the stream goes on from the last acknowledged sequence.
/// </summary>
public sealed class JetStreamReloadOnOffTests
{
    [Fact]
    public async Task Publishes_acknowledged_before_a_reload_turns_jetstream_off_are_all_there_when_it_comes_back()
    {
        string dir = Directory.CreateTempSubdirectory("js-onoff-acks-").FullName;
        try
        {
            await using TestServer server = await TestServer.StartAsync(o => o.JetStream = new JetStreamOptions { StoreDir = dir });
            ServerOptions on = server.Server.Options.Clone();
            ServerOptions off = server.Server.Options.Clone();
            off.JetStream = null;

            await using RawClient c = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"headers\":true,\"no_responders\":true}");
            await c.SendAsync("SUB _R.* 1\r\n");
            const string Create = "{\"name\":\"S\",\"subjects\":[\"s\"],\"storage\":\"file\"}";
            await c.SendAsync($"PUB $JS.API.STREAM.CREATE.S _R.create {Create.Length}\r\n{Create}\r\n");
            Assert.Contains("stream_create_response", await ReadReplyAsync(c), StringComparison.Ordinal);

            // Publishes in flight while the reload stops JetStream: each is acknowledged, refused (503) or dropped.
            // Any interleaving must keep the rule; half are sent first so that the reload likely meets some.
            const int Count = 500;
            for (int i = 0; i < Count / 2; i++)
            {
                await c.SendAsync($"PUB s _R.{i} 1\r\nx\r\n");
            }

            Task sending = Task.Run(async () =>
            {
                for (int i = Count / 2; i < Count; i++)
                {
                    await c.SendAsync($"PUB s _R.{i} 1\r\nx\r\n");
                }
            });
            server.Server.Reload(off);
            await sending;

            // Every acknowledgement was written before the reload returned: they all come before this PONG.
            await c.SendAsync("PING\r\n");
            var acked = new List<ulong>();
            for (int i = 0; i <= Count; i++)
            {
                string line = await c.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15));
                if (line == "PONG")
                {
                    break;
                }

                string payload = await ReadPayloadOfAsync(c, line);
                if (line.StartsWith("MSG ", StringComparison.Ordinal))
                {
                    using JsonDocument ack = JsonDocument.Parse(payload);
                    acked.Add(ack.RootElement.GetProperty("seq").GetUInt64());
                }
            }

            server.Server.Reload(on);
            const string Info = "";
            await c.SendAsync($"PUB $JS.API.STREAM.INFO.S _R.info {Info.Length}\r\n{Info}\r\n");
            using JsonDocument info = JsonDocument.Parse(await ReadReplyAsync(c));
            JsonElement state = info.RootElement.GetProperty("state");
            Assert.Equal((ulong)acked.Count, state.GetProperty("messages").GetUInt64());
            Assert.Equal(acked.Count == 0 ? 0UL : acked.Max(), state.GetProperty("last_seq").GetUInt64());

            await c.SendAsync("PUB s _R.next 1\r\ny\r\n");
            using JsonDocument next = JsonDocument.Parse(await ReadReplyAsync(c));
            Assert.Equal((ulong)acked.Count + 1, next.RootElement.GetProperty("seq").GetUInt64());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<string> ReadReplyAsync(RawClient c)
    {
        string line = await c.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15));
        Assert.StartsWith("MSG _R.", line, StringComparison.Ordinal);
        return await ReadPayloadOfAsync(c, line);
    }

    private static Task<string> ReadPayloadOfAsync(RawClient c, string line) =>
        c.ReadPayloadAsync(int.Parse(line.Split(' ')[^1]), TimeSpan.FromSeconds(15));
}
