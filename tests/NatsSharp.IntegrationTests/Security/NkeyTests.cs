using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>nkey users: the nonce in INFO, the signed CONNECT, and the real Go client.</summary>
public class NkeyTests
{
    private static (string Seed, string Public, string Config) NkeyServerConfig()
    {
        var (seed, pub) = Nkeys.CreateUser();
        string config = $$"""
            authorization {
              users = [
                { nkey: {{pub}}, permissions: { publish: ["go.>", "raw.>"], subscribe: ["go.>", "raw.>"] } }
                { user: plain, password: pw }
              ]
            }
            """;
        return (seed, pub, config);
    }

    private static string SignedConnect(string info, string seed, string pub, string? sigOverride = null)
    {
        using JsonDocument doc = JsonDocument.Parse(info["INFO ".Length..]);
        string nonce = doc.RootElement.GetProperty("nonce").GetString()!;
        string sig = sigOverride ?? Convert.ToBase64String(Nkeys.Sign(seed, Encoding.ASCII.GetBytes(nonce))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"CONNECT {{\"verbose\":false,\"nkey\":\"{pub}\",\"sig\":\"{sig}\"}}\r\nPING\r\n";
    }

    [Fact]
    public async Task Signed_nonce_authenticates_and_permissions_apply()
    {
        var (seed, pub, config) = NkeyServerConfig();
        await using NatsServer server = await ConfiguredServer.StartAsync(config);
        await using RawClient c = await RawClient.ConnectAsync(server.Port);
        Assert.Matches("\"nonce\":\"[A-Za-z0-9_-]{15}\"", c.Info);
        await c.SendAsync(SignedConnect(c.Info, seed, pub));
        await c.ExpectAsync("PONG");
        await c.SendAsync("PUB elsewhere 1\r\nx\r\nPING\r\n");
        await c.ExpectAsync($"-ERR 'Permissions Violation for Publish to \"elsewhere\"'");
        await c.ExpectAsync("PONG");

        // Password users still work beside nkey users.
        await using RawClient plain = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"plain","pass":"pw"}""");
    }

    [Fact]
    public async Task Each_connection_gets_its_own_nonce()
    {
        var (_, _, config) = NkeyServerConfig();
        await using NatsServer server = await ConfiguredServer.StartAsync(config);
        await using RawClient a = await RawClient.ConnectAsync(server.Port);
        await using RawClient b = await RawClient.ConnectAsync(server.Port);
        string Nonce(string info) => JsonDocument.Parse(info["INFO ".Length..]).RootElement.GetProperty("nonce").GetString()!;
        Assert.NotEqual(Nonce(a.Info), Nonce(b.Info));
    }

    [Fact]
    public async Task Bad_signatures_and_unknown_keys_are_refused()
    {
        var (seed, pub, config) = NkeyServerConfig();
        var (otherSeed, otherPub) = Nkeys.CreateUser();
        await using NatsServer server = await ConfiguredServer.StartAsync(config);

        async Task Refused(Func<string, string> connect)
        {
            await using RawClient c = await RawClient.ConnectAsync(server.Port);
            await c.SendAsync(connect(c.Info));
            Assert.Equal(["-ERR 'Authorization Violation'"], await c.ReadUntilClosedAsync());
        }

        await Refused(info => SignedConnect(info, otherSeed, pub));                 // signed with the wrong key
        await Refused(info => SignedConnect(info, otherSeed, otherPub));            // a key not configured
        await Refused(info => SignedConnect(info, seed, pub, sigOverride: "!!")); // not base64
        await Refused(_ => $"CONNECT {{\"nkey\":\"{pub}\"}}\r\n");                   // no signature
        await Refused(info => SignedConnect(info.Replace("\"nonce\":\"", "\"nonce\":\"x", StringComparison.Ordinal), seed, pub)); // another nonce
    }

    [Fact]
    public async Task Go_client_authenticates_with_an_nkey_seed()
    {
        var (seed, _, config) = NkeyServerConfig();
        await using NatsServer server = await ConfiguredServer.StartAsync(config);
        string seedFile = Path.Combine(Directory.CreateTempSubdirectory("natssharp-nkey-").FullName, "user.nk");
        await File.WriteAllTextAsync(seedFile, seed + "\n");
        Assert.Equal("OK", await GoClient.RunAsync($"nats://127.0.0.1:{server.Port}", new Dictionary<string, string> { ["NKEY_SEED_FILE"] = seedFile }));

        var (otherSeed, _) = Nkeys.CreateUser();
        await File.WriteAllTextAsync(seedFile, otherSeed + "\n");
        string refused = await GoClient.RunAsync($"nats://127.0.0.1:{server.Port}", new Dictionary<string, string> { ["NKEY_SEED_FILE"] = seedFile });
        Assert.StartsWith("ERR", refused);
        Assert.Contains("authorization violation", refused, StringComparison.OrdinalIgnoreCase);
    }
}
