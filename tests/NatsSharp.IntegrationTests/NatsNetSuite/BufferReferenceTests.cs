using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's BufferReferenceTest: 9,000 messages of 65,000 bytes published by nine tasks on a connection that
/// subscribes to its own messages, and 140 concurrent echo requests of 64 B, 8 KiB and 65 KB on one connection.
/// Every message that arrives must be intact and the connection must live through it.
/// </summary>
public class BufferReferenceTests
{
    [Fact]
    public async Task Nine_thousand_65_KB_messages_to_the_publishing_connection_itself()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url, o => o with
            {
                RequestReplyMode = NatsRequestReplyMode.Direct,
                CommandTimeout = TimeSpan.FromSeconds(30),
            });
            int disconnects = 0;
            c.ConnectionDisconnected += (_, _) => { Interlocked.Increment(ref disconnects); return default; };
            // Bytes rather than NATS.Net's strings: the same 65,000 bytes on the wire without 130 KB strings for the GC.
            byte[][] data = [.. "123".Select(ch => Enumerable.Repeat((byte)ch, 65_000).ToArray())];
            await using INatsSub<NatsMemoryOwner<byte>> sub = await c.SubscribeCoreAsync<NatsMemoryOwner<byte>>("pressure.>");
            await c.PingAsync();

            int received = 0;
            int corrupt = 0;
            Task reading = Task.Run(async () =>
            {
                await foreach (NatsMsg<NatsMemoryOwner<byte>> m in sub.Msgs.ReadAllAsync())
                {
                    using NatsMemoryOwner<byte> payload = m.Data;
                    if (m.Subject == "pressure.end")
                    {
                        break;
                    }

                    received++;
                    if (!payload.Span.SequenceEqual(data[m.Subject[^1] - '1']))
                    {
                        corrupt++;
                    }
                }
            });

            // Three rounds of three publishers, one per payload, 1,000 messages each.
            var publishers = new List<Task>();
            for (int round = 0; round < 3; round++)
            {
                for (int p = 0; p < 3; p++)
                {
                    int which = p;
                    publishers.Add(Task.Run(async () =>
                    {
                        for (int j = 0; j < 1000; j++)
                        {
                            await c.PublishAsync($"pressure.{which + 1}", data[which]);
                        }

                        await c.PingAsync();
                    }));
                }
            }

            await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromSeconds(60));
            await c.PingAsync();
            await c.PublishAsync("pressure.end");
            await reading.WaitAsync(TimeSpan.FromSeconds(30));

            // The client drops what its channel cannot hold (1,024 by default), so only "some, all intact" is certain.
            Assert.True(received > 0, "no message came back");
            Assert.Equal(0, corrupt);
            Assert.Equal(0, Volatile.Read(ref disconnects));
            return $"end marker received; corrupt={corrupt}; disconnects={disconnects}; state={c.ConnectionState}";
        });
    }

    [Fact]
    public async Task Concurrent_echo_requests_of_mixed_sizes_come_back_intact()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind);
            await using NatsConnection c = await BothServers.ConnectAsync(node.Url, o => o with { RequestReplyMode = NatsRequestReplyMode.Direct });
            (string Subject, string Data)[] sizes = [("echo.large", new string('L', 65_000)), ("echo.medium", new string('M', 8192)), ("echo.small", new string('S', 64))];
            var subs = new List<INatsSub<string>>();
            var serving = new List<Task>();
            foreach (var (subject, _) in sizes)
            {
                INatsSub<string> s = await c.SubscribeCoreAsync<string>(subject);
                subs.Add(s);
                serving.Add(RequestReplyTests.Serve(s, async m => await m.ReplyAsync(m.Data)));
            }

            await c.PingAsync();
            var requests = new List<Task<bool>>();
            for (int i = 0; i < 20; i++)
            {
                int n = i;
                requests.Add(EchoAsync(c, sizes[0].Subject, sizes[0].Data + $"-large-{n}"));
                requests.Add(EchoAsync(c, sizes[1].Subject, sizes[1].Data + $"-medium-{n}"));
                for (int j = 0; j < 5; j++)
                {
                    requests.Add(EchoAsync(c, sizes[2].Subject, sizes[2].Data + $"-small-{n}-{j}"));
                }
            }

            bool[] ok = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));
            foreach (INatsSub<string> s in subs)
            {
                await s.DisposeAsync();
            }

            await Task.WhenAll(serving).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.All(ok, Assert.True);
            return $"{ok.Count(x => x)} of {ok.Length} echoes intact";
        });
    }

    private static Task<bool> EchoAsync(NatsConnection c, string subject, string request) => Task.Run(async () =>
        (await c.RequestAsync<string, string>(subject, request)).Data == request);
}
