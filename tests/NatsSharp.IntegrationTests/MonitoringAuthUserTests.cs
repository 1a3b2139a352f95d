using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Configuration;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// /connz?auth=1 <c>authorized_user</c> and <c>user=</c> for clients that logged in through
/// <c>no_auth_user</c>, side by side with nats-server 2.9.10: it names them as that user, open and closed.
/// </summary>
public class MonitoringAuthUserTests
{
    public static TheoryData<string, string> Configs => new()
    {
        { "users", "authorization { users = [ {user: alice, password: pw}, {user: bob, password: pw2} ] }\nno_auth_user: alice\n" },
        { "accounts", "accounts { A { users = [ {user: alice, password: pw} ] }, B { users = [ {user: bob, password: pw2} ] } }\nno_auth_user: alice\n" },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task No_auth_user_clients_are_named_as_nats_server_names_them(string name, string config)
    {
        string dir = Directory.CreateTempSubdirectory("noauthuser-").FullName;
        string file = Path.Combine(dir, "server.conf");
        await File.WriteAllTextAsync(file, config);
        await using RealNatsServer real = await RealNatsServer.StartAsync("-c", file, "-m", "-1");
        ServerOptions loaded = ConfigBinder.Load(file).Options;
        await using TestServer ours = await TestServer.StartAsync(o =>
        {
            o.Users = loaded.Users;
            o.Accounts = loaded.Accounts;
            o.NoAuthUser = loaded.NoAuthUser;
            o.HttpPort = ServerOptions.RandomPort;
        });

        List<string> expected = await ScenarioAsync(real.Port, real.MonitorPort);
        List<string> actual = await ScenarioAsync(ours.Port, ours.Server.MonitorPort);
        Assert.True(expected.Any(l => l.StartsWith("open: alice", StringComparison.Ordinal)), $"{name}: nats-server did not name the client alice: {string.Join(" | ", expected)}");
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// A client without credentials (no_auth_user), one as bob, and one without credentials that left.
    /// Returns authorized_user/account per connection in cid order, open and closed, and the user= filter.
    /// </summary>
    private static async Task<List<string>> ScenarioAsync(int port, int monitorPort)
    {
        using var http = new MonitorHttp(monitorPort);
        await using RawClient anonymous = await RawClient.ConnectedAsync(port);
        await using RawClient bob = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"user\":\"bob\",\"pass\":\"pw2\"}");
        await using (RawClient leaver = await RawClient.ConnectedAsync(port))
        {
            await leaver.SendAsync("SUB gone 1\r\nPING\r\n");
            await leaver.ExpectAsync("PONG");
        }

        await Eventually.TrueAsync(
            () => http.JsonAsync("/connz?state=closed").GetAwaiter().GetResult().GetProperty("total").GetInt32() == 1,
            "the closed connection recorded");

        var seen = new List<string>();
        seen.AddRange(Describe("open", await http.JsonAsync("/connz?auth=1")));
        seen.AddRange(Describe("closed", await http.JsonAsync("/connz?state=closed&auth=1")));
        seen.AddRange(Describe("user=alice", await http.JsonAsync("/connz?state=all&user=alice&auth=1")));
        seen.AddRange(Describe("no auth", await http.JsonAsync("/connz")));
        return seen;
    }

    private static List<string> Describe(string what, JsonElement connz) =>
        connz.GetProperty("connections").EnumerateArray()
            .OrderBy(c => c.GetProperty("cid").GetUInt64())
            .Select(c => $"{what}: {Prop(c, "authorized_user")}{(c.TryGetProperty("account", out JsonElement a) ? " in " + a.GetString() : "")}")
            .ToList();

    private static string Prop(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) ? v.GetString() ?? "(null)" : "(none)";
}
