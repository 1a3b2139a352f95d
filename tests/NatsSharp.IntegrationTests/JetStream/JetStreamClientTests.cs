using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Client.ObjectStore;
using NATS.Client.ObjectStore.Models;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>NATS.Net's JetStream, key-value and object-store APIs (3.3.2) against NatsSharp.</summary>
public sealed class JetStreamClientTests
{
    [Fact]
    public async Task Stream_publish_and_pull_fetch_with_acks()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var js = new NatsJSContext(nats);

        INatsJSStream stream = await js.CreateStreamAsync(new StreamConfig("ORDERS", ["orders.>"]));
        Assert.Equal("ORDERS", stream.Info.Config.Name);
        for (int i = 1; i <= 5; i++)
        {
            PubAckResponse ack = await js.PublishAsync($"orders.{i}", $"order {i}");
            ack.EnsureSuccess();
            Assert.Equal((ulong)i, ack.Seq);
        }

        INatsJSConsumer consumer = await js.CreateOrUpdateConsumerAsync("ORDERS", new ConsumerConfig("worker") { AckPolicy = ConsumerConfigAckPolicy.Explicit });
        var got = new List<string>();
        await foreach (NatsJSMsg<string> msg in consumer.FetchAsync<string>(new NatsJSFetchOpts { MaxMsgs = 5, Expires = TimeSpan.FromSeconds(2) }))
        {
            got.Add($"{msg.Subject}={msg.Data}");
            await msg.AckAsync();
        }

        Assert.Equal(["orders.1=order 1", "orders.2=order 2", "orders.3=order 3", "orders.4=order 4", "orders.5=order 5"], got);
        await Eventually.TrueAsync(async () =>
        {
            await consumer.RefreshAsync();
            return consumer.Info.AckFloor.StreamSeq == 5 && consumer.Info.NumAckPending == 0;
        }, "the consumer's ack floor at 5");
        Assert.Equal(0UL, consumer.Info.NumPending);

        await stream.RefreshAsync();
        Assert.Equal(5L, stream.Info.State.Messages);
    }

    [Fact]
    public async Task Duplicate_window_and_expected_last_sequence()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var js = new NatsJSContext(nats);
        await js.CreateStreamAsync(new StreamConfig("DEDUPE", ["dd"]));

        PubAckResponse first = await js.PublishAsync("dd", "a", opts: new NatsJSPubOpts { MsgId = "id-1" });
        PubAckResponse again = await js.PublishAsync("dd", "a", opts: new NatsJSPubOpts { MsgId = "id-1" });
        Assert.Equal(first.Seq, again.Seq);
        Assert.True(again.Duplicate);

        NatsJSApiException wrong = await Assert.ThrowsAsync<NatsJSApiException>(async () =>
            (await js.PublishAsync("dd", "b", opts: new NatsJSPubOpts { ExpectedLastSequence = 7 })).EnsureSuccess());
        Assert.Equal(10071, wrong.Error.ErrCode);
        Assert.Equal("wrong last sequence: 1", wrong.Error.Description);
    }

    [Fact]
    public async Task Consume_and_redelivery_after_nak()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var js = new NatsJSContext(nats);
        await js.CreateStreamAsync(new StreamConfig("NAKS", ["naks"]));
        await js.PublishAsync("naks", "x");
        INatsJSConsumer consumer = await js.CreateOrUpdateConsumerAsync("NAKS", new ConsumerConfig("c") { AckPolicy = ConsumerConfigAckPolicy.Explicit });

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var deliveries = new List<ulong>();
        await foreach (NatsJSMsg<string> msg in consumer.ConsumeAsync<string>(cancellationToken: cts.Token))
        {
            deliveries.Add(msg.Metadata!.Value.NumDelivered);
            if (deliveries.Count == 1)
            {
                await msg.NakAsync();
            }
            else
            {
                await msg.AckAsync();
                break;
            }
        }

        Assert.Equal([1UL, 2UL], deliveries);
    }

    [Fact]
    public async Task Key_value_put_get_history_cas_delete_keys()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var kv = new NatsKVContext(new NatsJSContext(nats));
        INatsKVStore store = await kv.CreateStoreAsync(new NatsKVConfig("settings") { History = 5 });

        ulong r1 = await store.PutAsync("color", "red");
        ulong r2 = await store.PutAsync("color", "blue");
        await store.PutAsync("size", "xl");
        NatsKVEntry<string> entry = await store.GetEntryAsync<string>("color");
        Assert.Equal("blue", entry.Value);
        Assert.Equal(r2, entry.Revision);

        var history = new List<string?>();
        await foreach (NatsKVEntry<string> h in store.HistoryAsync<string>("color"))
        {
            history.Add(h.Value);
        }

        Assert.Equal(["red", "blue"], history);

        await Assert.ThrowsAsync<NatsKVWrongLastRevisionException>(async () => await store.UpdateAsync("color", "green", r1));
        ulong r3 = await store.UpdateAsync("color", "green", r2);
        Assert.True(r3 > r2);
        await Assert.ThrowsAsync<NatsKVCreateException>(async () => await store.CreateAsync("color", "x"));

        await store.DeleteAsync("size");
        await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await store.GetEntryAsync<string>("size"));

        var keys = new List<string>();
        await foreach (string key in store.GetKeysAsync())
        {
            keys.Add(key);
        }

        Assert.Equal(["color"], keys);

        await store.PurgeAsync("color");
        await Assert.ThrowsAsync<NatsKVKeyDeletedException>(async () => await store.GetEntryAsync<string>("color"));
    }

    [Fact]
    public async Task Key_value_watch_sees_initial_values_then_updates()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var kv = new NatsKVContext(new NatsJSContext(nats));
        INatsKVStore store = await kv.CreateStoreAsync("watched");
        await store.PutAsync("a", "1");
        await store.PutAsync("a", "2");
        await store.PutAsync("b", "1");

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var seen = new List<string>();
        await foreach (NatsKVEntry<string> e in store.WatchAsync<string>(cancellationToken: cts.Token))
        {
            seen.Add($"{e.Key}={e.Value}");
            if (seen.Count == 2)
            {
                await store.PutAsync("c", "3");
            }

            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal(["a=2", "b=1", "c=3"], seen);
    }

    [Fact]
    public async Task Object_store_put_and_get_many_chunks()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var obj = new NatsObjContext(new NatsJSContext(nats));
        INatsObjStore store = await obj.CreateObjectStoreAsync("files");

        byte[] data = new byte[1024 * 1024 + 12345];
        new Random(7).NextBytes(data);
        ObjectMetadata meta = await store.PutAsync("big.bin", data);
        Assert.Equal((ulong)data.Length, meta.Size);
        Assert.True(meta.Chunks > 1);

        byte[] back = await store.GetBytesAsync("big.bin");
        Assert.Equal(data, back);

        ObjectMetadata info = await store.GetInfoAsync("big.bin");
        Assert.Equal(meta.Digest, info.Digest);

        await store.DeleteAsync("big.bin");
        await Assert.ThrowsAsync<NatsObjNotFoundException>(async () => await store.GetInfoAsync("big.bin"));
    }

    [Fact]
    public async Task Replicas_above_one_are_refused_as_on_a_single_nats_server()
    {
        await using TestServer server = await JetStreamFixture.StartAsync();
        await using NatsConnection nats = await NatsNetClient.ConnectAsync(server.Url);
        var js = new NatsJSContext(nats);
        NatsJSApiException ex = await Assert.ThrowsAsync<NatsJSApiException>(async () =>
            await js.CreateStreamAsync(new StreamConfig("R3", ["r3"]) { NumReplicas = 3 }));
        Assert.Equal(10074, ex.Error.ErrCode);
        Assert.Equal("replicas > 1 not supported in non-clustered mode", ex.Error.Description);
    }
}
