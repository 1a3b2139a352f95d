using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.SystemAccount;

/// <summary>
/// <c>$SYS.REQ.USER.INFO</c> (nats-server 2.10+; 2.9.10, the reference elsewhere, has no such service, so the
/// expected answers follow 2.10's userInfoReq): any client, through the import every account gets, learns
/// its user, account and permissions. The requester's identity crosses the import in a
/// <c>Nats-Request-Info</c> header that the requester cannot forge.
/// </summary>
public class UserInfoRequestTests
{
    private const string Config = """
        accounts {
          SYS: { users: [{user: sys, password: sys}] }
          APP: {
            users: [
              {user: app, password: app}
              {user: limited, password: limited, permissions: {
                publish: {allow: ["$SYS.REQ.USER.INFO", "foo.>"], deny: ["foo.secret"]}
                subscribe: {allow: ["_INBOX.>"], deny: ["_INBOX.secret"]}
                allow_responses: {max: 3, expires: "1m"}
              }}
              {user: subonly, password: subonly, permissions: {subscribe: ["_INBOX.>"]}}
            ]
          }
        }
        system_account: SYS
        """;

    [Theory]
    [InlineData("app", """{"user":"app","account":"APP"}""")]
    [InlineData("sys", """{"user":"sys","account":"SYS"}""")]
    [InlineData("limited", """{"user":"limited","account":"APP","permissions":{"publish":{"allow":["$SYS.REQ.USER.INFO","foo.>"],"deny":["foo.secret"]},"subscribe":{"allow":["_INBOX.>"],"deny":["_INBOX.secret"]},"responses":{"max":3,"ttl":60000000000}}}""")]
    [InlineData("subonly", """{"user":"subonly","account":"APP","permissions":{"publish":{},"subscribe":{"allow":["_INBOX.>"]}}}""")]
    public async Task A_user_gets_its_user_account_and_permissions(string user, string expected)
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Config);
        await using NatsConnection nc = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{server.Port}", o => o with { AuthOpts = new NatsAuthOpts { Username = user, Password = user } });
        NatsMsg<string> reply = await nc.RequestAsync<string, string>("$SYS.REQ.USER.INFO", "");
        AssertAnswer(server, expected, reply.Data!);
    }

    [Fact]
    public async Task A_token_user_is_named_by_its_token_in_the_global_account()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync("authorization { token: s3cr3t }\n");
        await using NatsConnection nc = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{server.Port}", o => o with { AuthOpts = new NatsAuthOpts { Token = "s3cr3t" } });
        NatsMsg<string> reply = await nc.RequestAsync<string, string>("$SYS.REQ.USER.INFO", "");
        AssertAnswer(server, """{"user":"s3cr3t","account":"$G"}""", reply.Data!);
    }

    [Fact]
    public async Task The_no_auth_user_is_the_user_a_client_without_credentials_gets()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Config + "\nno_auth_user: limited\n");
        await using NatsConnection nc = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{server.Port}");
        NatsMsg<string> reply = await nc.RequestAsync<string, string>("$SYS.REQ.USER.INFO", "");
        using JsonDocument doc = JsonDocument.Parse(reply.Data!);
        Assert.Equal("limited", doc.RootElement.GetProperty("data").GetProperty("user").GetString());
        Assert.Equal("APP", doc.RootElement.GetProperty("data").GetProperty("account").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("data").GetProperty("permissions").GetProperty("responses").GetProperty("max").GetInt32());
    }

    [Fact]
    public async Task An_nkey_user_is_named_by_its_public_key()
    {
        var (seed, pub) = Nkeys.CreateUser();
        string config = $$$"""
            accounts {
              APP: { users: [{nkey: {{{pub}}}, permissions: {publish: "$SYS.REQ.USER.INFO", subscribe: "_INBOX.>"}}] }
            }
            """;
        await using NatsServer server = await ConfiguredServer.StartAsync(config);
        await using RawClient c = await RawClient.ConnectAsync(server.Port);
        using (JsonDocument info = JsonDocument.Parse(c.Info["INFO ".Length..]))
        {
            string nonce = info.RootElement.GetProperty("nonce").GetString()!;
            string sig = Convert.ToBase64String(Nkeys.Sign(seed, Encoding.ASCII.GetBytes(nonce))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            await c.SendAsync($"CONNECT {{\"verbose\":false,\"headers\":true,\"nkey\":\"{pub}\",\"sig\":\"{sig}\"}}\r\nPING\r\n");
        }

        await c.ExpectAsync("PONG");
        string answer = await RawAskAsync(c, "PUB $SYS.REQ.USER.INFO _INBOX.u.1 0\r\n\r\n");
        AssertAnswer(server, """{"user":"PUB","account":"APP","permissions":{"publish":{"allow":["$SYS.REQ.USER.INFO"]},"subscribe":{"allow":["_INBOX.>"]}}}""".Replace("PUB", pub, StringComparison.Ordinal), answer);
    }

    [Fact]
    public async Task A_forged_request_info_header_is_replaced_by_the_requester_s_own()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Config);
        await using RawClient sys = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"sys","pass":"sys","headers":true}""");
        await using RawClient app = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"limited","pass":"limited","headers":true}""");

        // The system user watches the requests reach the service: with the header the import set.
        await sys.SendAsync("SUB $SYS.REQ.USER.*.INFO 1\r\nPING\r\n");
        await sys.ExpectAsync("PONG");

        string forged = """{"acc":"SYS","user":"sys","id":1}""";
        string header = $"NATS/1.0\r\nNats-Request-Info: {forged}\r\nX-Other: kept\r\n\r\n";
        string answer = await RawAskAsync(app, $"HPUB $SYS.REQ.USER.INFO _INBOX.u.1 {header.Length} {header.Length}\r\n{header}\r\n");
        using JsonDocument doc = JsonDocument.Parse(answer);
        Assert.Equal("limited", doc.RootElement.GetProperty("data").GetProperty("user").GetString());
        Assert.Equal("APP", doc.RootElement.GetProperty("data").GetProperty("account").GetString());

        string line = await sys.ReadLineSkippingPingsAsync();
        Assert.StartsWith("HMSG $SYS.REQ.USER.APP.INFO 1 _R_.", line);
        string[] parts = line.Split(' ');
        string seen = await sys.ReadPayloadAsync(int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("X-Other: kept\r\n", seen);
        string requestInfo = Assert.Single(seen.Split("\r\n"), l => l.StartsWith("Nats-Request-Info:", StringComparison.Ordinal));
        using JsonDocument ci = JsonDocument.Parse(requestInfo["Nats-Request-Info:".Length..]);
        Assert.Equal("APP", ci.RootElement.GetProperty("acc").GetString());
        Assert.Equal("limited", ci.RootElement.GetProperty("user").GetString());
        Assert.Equal("Client", ci.RootElement.GetProperty("kind").GetString());
        Assert.Equal(server.ServerName, ci.RootElement.GetProperty("server").GetString());
    }

    [Fact]
    public async Task Only_the_server_the_client_is_connected_to_answers_in_a_cluster()
    {
        int seed = FreePort.Next();
        string Node(string name, int port) => $$"""
            server_name: {{name}}
            {{Config}}
            cluster { name: ui, listen: 127.0.0.1:{{port}}, routes: [nats-route://127.0.0.1:{{seed}}] }
            """;
        await using NatsServer a = await ConfiguredServer.StartAsync(Node("ONE", seed));
        await using NatsServer b = await ConfiguredServer.StartAsync(Node("TWO", FreePort.Next()));
        await Eventually.TrueAsync(() => a.RouteCount == 1 && b.RouteCount == 1, "the route", TimeSpan.FromSeconds(10));

        await using RawClient app = await RawClient.ConnectedAsync(b.Port, """{"verbose":false,"user":"app","pass":"app"}""");
        await app.SendAsync("SUB _INBOX.u.> 1\r\nPUB $SYS.REQ.USER.INFO _INBOX.u.1 0\r\n\r\nPUB $SYS.REQ.USER.INFO _INBOX.u.2 0\r\n\r\n");
        var answers = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            string line = await app.ReadLineSkippingPingsAsync();
            string[] parts = line.Split(' ');
            answers.Add(parts[1]);
            using JsonDocument doc = JsonDocument.Parse(await app.ReadPayloadAsync(int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal("TWO", doc.RootElement.GetProperty("server").GetProperty("name").GetString());
        }

        // One answer to each: a second answer to the first request would have come before the one to the second.
        Assert.Equal(["_INBOX.u.1", "_INBOX.u.2"], answers);
    }

    /// <summary>Subscribes to the inbox, sends <paramref name="publish"/>, returns the first answer's payload.</summary>
    private static async Task<string> RawAskAsync(RawClient c, string publish)
    {
        await c.SendAsync("SUB _INBOX.u.> 9\r\n" + publish);
        for (int i = 0; i < 20; i++)
        {
            string line = await c.ReadLineSkippingPingsAsync();
            if (line.StartsWith("MSG ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                return await c.ReadPayloadAsync(int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException("no answer");
    }

    /// <summary>The envelope names this server; the data is exactly <paramref name="expectedData"/>.</summary>
    private static void AssertAnswer(NatsServer server, string expectedData, string answer)
    {
        JsonNode root = JsonNode.Parse(answer)!;
        Assert.Equal(server.ServerId, root["server"]!["id"]!.GetValue<string>());
        Assert.Equal(["server", "data"], root.AsObject().Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedData), root["data"]), $"expected data {expectedData}\ngot {answer}");
    }
}
