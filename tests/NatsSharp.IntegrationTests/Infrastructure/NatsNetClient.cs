using NATS.Client.Core;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>Connections of NATS.Net (NATS.Client.Core 3.x), the suite's main .NET client, with bounded timeouts.</summary>
public static class NatsNetClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Connects to <paramref name="url"/> (no reconnects, so a refusal surfaces) and waits for the server's first PONG.</summary>
    public static async Task<NatsConnection> ConnectAsync(string url, Func<NatsOpts, NatsOpts>? configure = null)
    {
        var opts = new NatsOpts
        {
            Url = url,
            Name = "natssharp-tests",
            ConnectTimeout = Timeout,
            RequestTimeout = Timeout,
            CommandTimeout = Timeout,
            MaxReconnectRetry = 0,
        };
        var connection = new NatsConnection(configure is null ? opts : configure(opts));
        try
        {
            await connection.ConnectAsync();
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    /// <summary>The next message of <paramref name="sub"/>, failing the test when none arrives in time.</summary>
    public static async Task<NatsMsg<T>> NextAsync<T>(INatsSub<T> sub)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await sub.Msgs.ReadAsync(cts.Token);
    }
}
