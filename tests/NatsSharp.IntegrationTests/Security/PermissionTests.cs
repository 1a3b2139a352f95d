using System.Text;
using NATS.Client;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>Publish and subscribe permissions, queue entries, delivery-time deny and allow_responses.</summary>
public class PermissionTests
{
    // The reference transcript's user (shared/reference/client-protocol.md §7), plus a user with defaults.
    private const string Config = """
        authorization {
          default_permissions: { publish: "default.>", subscribe: "default.>" }
          users = [
            { user: bob, password: pw, permissions: {
                publish: { allow: ["ok.>", "_INBOX.>"], deny: "ok.secret" }
                subscribe: { allow: ["ok.>", "q.* grp", "wild.>"], deny: ["ok.no", "wild.hidden"] }
            } }
            { user: pub, password: pw }
            { user: admin, password: pw, permissions: {} }
          ]
        }
        """;

    private const string Conversation =
        "CONNECT {\"verbose\":true,\"user\":\"bob\",\"pass\":\"pw\"}\r\n" +
        "PUB nope 1\r\nx\r\n" +
        "PUB ok.secret 1\r\nx\r\n" +
        "PUB ok.fine 1\r\nx\r\n" +
        "PUB ok.fine nope.reply 1\r\nx\r\n" +
        "SUB q.a 3\r\n" +
        "SUB q.a grp 4\r\n" +
        "SUB q.a other 5\r\n" +
        "SUB ok.no 6\r\n" +
        "SUB ok.no grp 7\r\n" +
        "SUB ok.> 8\r\n" +
        "PING\r\n";

    [Fact]
    public async Task Violations_get_nats_server_errors_and_the_connection_stays_open()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Config);
        await using RawClient bob = await RawClient.ConnectAsync(server.Port);
        await bob.SendAsync(Conversation);
        string[] expected =
        [
            "+OK",
            "-ERR 'Permissions Violation for Publish to \"nope\"'",
            "-ERR 'Permissions Violation for Publish to \"ok.secret\"'",
            "+OK",
            "+OK",
            "-ERR 'Permissions Violation for Subscription to \"q.a\"'",
            "+OK",
            "-ERR 'Permissions Violation for Subscription to \"q.a\" using queue \"other\"'",
            "-ERR 'Permissions Violation for Subscription to \"ok.no\"'",
            "-ERR 'Permissions Violation for Subscription to \"ok.no\" using queue \"grp\"'",
            "+OK",
            "PONG",
        ];
        foreach (string line in expected)
        {
            await bob.ExpectAsync(line);
        }
    }

    [Fact]
    public async Task Same_replies_as_nats_server()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);
        List<string> theirs = await Converse(real.Port);
        List<string> mine = await Converse(ours.Port);
        Assert.Equal(theirs, mine);
    }

    private static async Task<List<string>> Converse(int port)
    {
        await using RawClient c = await RawClient.ConnectAsync(port);
        await c.SendAsync(Conversation);
        var lines = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            string line = await c.ReadLineAsync();
            lines.Add(line);
            if (line == "PONG")
            {
                return lines;
            }
        }

        throw new InvalidOperationException("no PONG: " + string.Join(" | ", lines));
    }

    [Fact]
    public async Task Wildcard_subscription_does_not_receive_denied_subjects()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Config);
        await using RawClient bob = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"bob","pass":"pw"}""");
        await using RawClient admin = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"admin","pass":"pw"}""");
        await bob.SendAsync("SUB wild.> 1\r\nPING\r\n");
        await bob.ExpectAsync("PONG");
        await admin.SendAsync("PUB wild.hidden 1\r\nh\r\nPUB wild.seen 1\r\ns\r\nPING\r\n");
        await admin.ExpectAsync("PONG");
        await bob.ExpectAsync("MSG wild.seen 1 1");
        Assert.Equal("s", await bob.ReadPayloadAsync(1));
        await bob.SendAsync("PING\r\n");
        await bob.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Default_permissions_apply_to_users_without_their_own()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(Config);
        await using RawClient pub = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"pub","pass":"pw"}""");
        await pub.SendAsync("PUB default.x 1\r\nx\r\nPUB other 1\r\nx\r\nSUB other 1\r\nPING\r\n");
        await pub.ExpectAsync("-ERR 'Permissions Violation for Publish to \"other\"'");
        await pub.ExpectAsync("-ERR 'Permissions Violation for Subscription to \"other\"'");
        await pub.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Allow_responses_permits_one_reply_per_request()
    {
        const string config = """
            authorization {
              users = [
                { user: svc, password: pw, permissions: { subscribe: "svc.>", allow_responses: true } }
                { user: client, password: pw }
              ]
            }
            """;
        await using NatsServer server = await ConfiguredServer.StartAsync(config);
        await using RawClient svc = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"svc","pass":"pw"}""");
        await using RawClient client = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"client","pass":"pw"}""");
        await svc.SendAsync("SUB svc.time 1\r\nPING\r\n");
        await svc.ExpectAsync("PONG");
        await client.SendAsync("SUB reply.1 9\r\nPUB svc.time reply.1 1\r\nq\r\nPING\r\n");
        await client.ExpectAsync("PONG");
        await svc.ExpectAsync("MSG svc.time 1 reply.1 1");
        await svc.ReadPayloadAsync(1);

        // One answer goes through; the second, and anything unrelated, are violations.
        await svc.SendAsync("PUB reply.1 1\r\na\r\nPUB reply.1 1\r\nb\r\nPUB elsewhere 1\r\nc\r\nPING\r\n");
        await svc.ExpectAsync("-ERR 'Permissions Violation for Publish to \"reply.1\"'");
        await svc.ExpectAsync("-ERR 'Permissions Violation for Publish to \"elsewhere\"'");
        await svc.ExpectAsync("PONG");
        await client.ExpectAsync("MSG reply.1 9 1");
        Assert.Equal("a", await client.ReadPayloadAsync(1));
        await client.SendAsync("PING\r\n");
        await client.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Nats_client_sees_the_violation_text()
    {
        // NATS.Client 0.8.0 on purpose: how the old client surfaces -ERR is the point. It treats any -ERR as fatal and closes; what matters is that the server's text reaches it.
        await using NatsServer server = await ConfiguredServer.StartAsync(Config);
        Options options = ConnectionFactory.GetDefaultOptions();
        options.Url = $"nats://bob:pw@127.0.0.1:{server.Port}";
        options.Timeout = 5000;
        options.AllowReconnect = false;
        using IConnection c = new ConnectionFactory().CreateConnection(options);
        using ISyncSubscription s = c.SubscribeSync("ok.>");
        c.Publish("ok.fine", Encoding.UTF8.GetBytes("y"));
        c.Flush();
        Assert.Equal("ok.fine", s.NextMessage(5000).Subject);
        c.Publish("nope", Encoding.UTF8.GetBytes("x"));
        await Eventually.TrueAsync(
            () => c.LastError is not null,
            "the client's LastError",
            TimeSpan.FromSeconds(5));
        // It lower-cases the text and drops the closing quote: "permissions violation for publish to \"nope".
        Assert.Contains("Permissions Violation for Publish to \"nope", c.LastError!.Message, StringComparison.OrdinalIgnoreCase);
    }
}
