using System.Threading.Channels;
using NATS.Client.Core;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>NATS.Net connections for chaos scenarios: reconnecting to every node, nothing dropped client-side.</summary>
public static class ChaosClients
{
    public static async Task<NatsConnection> ConnectAsync(string urls, string name, bool reconnect = true)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = urls,
            Name = name,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(5),
            CommandTimeout = TimeSpan.FromSeconds(10),
            MaxReconnectRetry = reconnect ? -1 : 0,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(20),
            ReconnectWaitMax = TimeSpan.FromMilliseconds(200),
            SubPendingChannelCapacity = 100_000,
            SubPendingChannelFullMode = BoundedChannelFullMode.Wait, // a loss must be the server's, not the client's channel
        });
        await connection.ConnectAsync();
        return connection;
    }

    /// <summary>Subscribes and records every numbered message into <paramref name="log"/> until cancelled.</summary>
    public static async Task<Task> RecordAsync(NatsConnection connection, string subject, SequenceLog log, CancellationToken stop)
    {
        INatsSub<int> sub = await connection.SubscribeCoreAsync<int>(subject, cancellationToken: stop);
        await connection.PingAsync(stop); // the SUB is at the server
        return Task.Run(async () =>
        {
            try
            {
                await foreach (NatsMsg<int> msg in sub.Msgs.ReadAllAsync(stop))
                {
                    log.Record(msg.Data);
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await sub.DisposeAsync();
            }
        }, CancellationToken.None);
    }

    /// <summary>As <see cref="RecordAsync"/> for binary payloads whose first 4 bytes are the id.</summary>
    public static async Task<Task> RecordBytesAsync(NatsConnection connection, string subject, SequenceLog log, CancellationToken stop)
    {
        INatsSub<byte[]> sub = await connection.SubscribeCoreAsync<byte[]>(subject, cancellationToken: stop);
        await connection.PingAsync(stop);
        return Task.Run(async () =>
        {
            try
            {
                await foreach (NatsMsg<byte[]> msg in sub.Msgs.ReadAllAsync(stop))
                {
                    log.Record(BitConverter.ToInt32(msg.Data!));
                }
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                await sub.DisposeAsync();
            }
        }, CancellationToken.None);
    }

    /// <summary>Publishes <paramref name="probe"/> until <paramref name="arrived"/> holds: interest has crossed the cluster.</summary>
    public static async Task UntilDeliveredAsync(NatsConnection publisher, string probe, Func<bool> arrived)
    {
        for (int i = 0; i < 400 && !arrived(); i++)
        {
            await publisher.PublishAsync(probe, -1);
            await publisher.PingAsync();
            await Task.Delay(25); // pacing only; the condition is the synchronization
        }

        Assert.True(arrived(), $"interest on {probe} never crossed the cluster");
    }
}
