using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Our monitoring JSON against the real nats-server's for the same setup and traffic:
/// every key path and its JSON type must match, except the documented differences
/// (docs/compatibility.md).
/// </summary>
public class MonitoringParityTests
{
    /// <summary>Keys only one side has, on purpose: nats-server's $SYS account and our product version.</summary>
    private static readonly HashSet<string> KnownDifferences =
    [
        "system_account",                 // we have no system account
        "natssharp_version",              // ours only
        "account_detail.imports",         // the $SYS service imports
        "account_detail.imports[]",
        "account_detail.imports[].subject",
        "account_detail.imports[].account",
        "account_detail.imports[].to",
        "account_detail.imports[].type",
        "account_detail.imports[].invalid",
        "account_detail.imports[].share",
        "account_detail.imports[].tracking",
    ];

    public static TheoryData<string> Paths() =>
    [
        "/varz", "/connz", "/connz?subs=1", "/connz?subs=detail", "/connz?auth=1", "/connz?state=closed&subs=detail",
        "/connz?state=all&sort=cid", "/connz?acc=NOPE", "/connz?acc=$G&sort=subs", "/connz?cid={cid}", "/routez", "/routez?subs=detail", "/leafz", "/gatewayz", "/accountz", "/accountz?acc=$G", "/accstatz", "/accstatz?unused=1",
        "/subsz", "/subsz?subs=1", "/subsz?subs=1&test=orders.new", "/healthz",
    ];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Json_key_paths_and_types_match_nats_server(string path)
    {
        await using RealNatsServer real = await RealNatsServer.StartAsync("-m", "-1");
        await using TestServer ours = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);
        Assert.True(real.MonitorPort > 0, "nats-server wrote no monitoring port");
        await using Traffic realTraffic = await Traffic.MakeAsync(real.Port);
        await using Traffic ourTraffic = await Traffic.MakeAsync(ours.Port);
        using var realHttp = new MonitorHttp(real.MonitorPort);
        using var ourHttp = new MonitorHttp(ours.Server.MonitorPort);

        // Both sides record the closed connection asynchronously; wait until they have.
        await Eventually.TrueAsync(() => ClosedCount(realHttp) == 1 && ClosedCount(ourHttp) == 1, "one closed connection on each server", TimeSpan.FromSeconds(10));

        var (realStatus, realType, realBody) = await realHttp.GetAsync(await WithCidAsync(realHttp, path));
        var (ourStatus, ourType, ourBody) = await ourHttp.GetAsync(await WithCidAsync(ourHttp, path));
        Assert.Equal(realStatus, ourStatus);
        Assert.Equal(realType, ourType);
        JsonShape.AssertSame(path, realBody, ourBody, KnownDifferences);
    }

    /// <summary>Client ids differ between the servers (nats-server's internal clients take some): use each one's first.</summary>
    private static async Task<string> WithCidAsync(MonitorHttp http, string path) =>
        path.Contains("{cid}", StringComparison.Ordinal)
            ? path.Replace("{cid}", (await http.JsonAsync("/connz")).GetProperty("connections")[0].GetProperty("cid").GetUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            : path;

    private static int ClosedCount(MonitorHttp http) =>
        http.JsonAsync("/connz?state=closed").GetAwaiter().GetResult().GetProperty("total").GetInt32();

    /// <summary>A named client with plain, queue and auto-unsubscribe subscriptions, a publisher, and one client that left.</summary>
    private sealed class Traffic(RawClient sub, RawClient pub) : IAsyncDisposable
    {
        public static async Task<Traffic> MakeAsync(int port)
        {
            RawClient sub = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"pedantic\":false,\"name\":\"subscriber-1\",\"lang\":\"go\",\"version\":\"1.0\",\"user\":\"alice\"}");
            await sub.SendAsync("SUB orders.* 1\r\nSUB orders.new workers 2\r\nSUB other.> 3\r\nUNSUB 3 5\r\nPING\r\n");
            await sub.ExpectAsync("PONG");
            RawClient pub = await RawClient.ConnectedAsync(port);
            await pub.SendAsync("PUB orders.new 5\r\nhello\r\nPING\r\n");
            await pub.ExpectAsync("PONG");
            await using (RawClient leaver = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"name\":\"leaver\"}"))
            {
                await leaver.SendAsync("SUB gone 1\r\nPING\r\n");
                await leaver.ExpectAsync("PONG");
            }

            return new Traffic(sub, pub);
        }

        public async ValueTask DisposeAsync()
        {
            await sub.DisposeAsync();
            await pub.DisposeAsync();
        }
    }
}
