using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsServerException = NatsSharp.Server.NatsServerException;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>Users, bcrypt, tokens, no_auth_user and the auth timeout, over raw TCP and with NATS.Client 0.8.0.</summary>
public class AuthenticationTests
{
    // Cost 4 keeps the tests fast; the hash format is the same at any cost.
    private static readonly string AliceHash = Bcrypt.Hash("s3cret", 4);

    private static string UsersConfig() => $$"""
        authorization {
          timeout: 1
          users = [
            { user: alice, password: "{{AliceHash}}" }
            { user: bob, password: plainpass }
          ]
        }
        """;

    [Fact]
    public async Task Users_with_bcrypt_and_plain_passwords_connect()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(UsersConfig());
        await using RawClient alice = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"alice","pass":"s3cret"}""");
        await using RawClient bob = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"bob","pass":"plainpass"}""");
        Assert.Contains("\"auth_required\":true", alice.Info);
        Assert.DoesNotContain("nonce", alice.Info);
    }

    [Theory]
    [InlineData("""{"user":"alice","pass":"wrong"}""")]
    [InlineData("""{"user":"alice","pass":"$2a$04$abcdefghijklmnopqrstuu"}""")]
    [InlineData("""{"user":"carol","pass":"s3cret"}""")]
    [InlineData("""{"user":"bob"}""")]
    [InlineData("""{"auth_token":"plainpass"}""")]
    [InlineData("""{}""")]
    public async Task Wrong_credentials_get_authorization_violation_and_close(string connect)
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(UsersConfig());
        await using RawClient c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync($"CONNECT {connect}\r\nPING\r\n");
        List<string> lines = await c.ReadUntilClosedAsync();
        Assert.Equal(["-ERR 'Authorization Violation'"], lines);
    }

    [Fact]
    public async Task Bcrypt_token_and_single_bcrypt_user()
    {
        string tokenHash = Bcrypt.Hash("tok-123", 4);
        await using (NatsServer server = await ConfiguredServer.StartAsync($"authorization {{ token: \"{tokenHash}\" }}"))
        {
            await using RawClient ok = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"auth_token":"tok-123"}""");
            await using RawClient bad = await RawClient.ConnectAsync(server.Port);
            await bad.SendAsync("CONNECT {\"auth_token\":\"tok-124\"}\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await bad.ReadUntilClosedAsync());
        }

        await using (NatsServer server = await ConfiguredServer.StartAsync($"authorization {{ user: admin, password: \"{AliceHash}\" }}"))
        {
            await using RawClient ok = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"admin","pass":"s3cret"}""");
            await using RawClient bad = await RawClient.ConnectAsync(server.Port);
            await bad.SendAsync("CONNECT {\"user\":\"admin\",\"pass\":\"" + AliceHash + "\"}\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await bad.ReadUntilClosedAsync());
        }
    }

    [Fact]
    public async Task Op_before_connect_and_auth_timeout_close_the_connection()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(UsersConfig());
        await using RawClient early = await RawClient.ConnectAsync(server.Port);
        await early.SendAsync("SUB foo 1\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await early.ReadUntilClosedAsync());

        await using RawClient idle = await RawClient.ConnectAsync(server.Port);
        Assert.Equal(["-ERR 'Authentication Timeout'"], await idle.ReadUntilClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task No_auth_user_binds_clients_without_credentials()
    {
        const string config = """
            authorization {
              users = [
                { user: guest, password: x, permissions: { publish: "public.>", subscribe: "public.>" } }
                { user: admin, password: adminpw }
              ]
            }
            no_auth_user: guest
            """;
        await using NatsServer server = await ConfiguredServer.StartAsync(config);

        // A CONNECT without credentials is the guest, with the guest's permissions; INFO does not ask for auth.
        await using RawClient guest = await RawClient.ConnectedAsync(server.Port, """{"verbose":false}""");
        Assert.DoesNotContain("auth_required", guest.Info);
        await guest.SendAsync("PUB private.x 1\r\nx\r\nPING\r\n");
        await guest.ExpectAsync("-ERR 'Permissions Violation for Publish to \"private.x\"'");
        await guest.ExpectAsync("PONG");

        // Telnet style: a first op without CONNECT is the guest too, and the auth timer stops.
        await using RawClient telnet = await RawClient.ConnectAsync(server.Port);
        await telnet.SendAsync("SUB public.news 1\r\nSUB private.x 2\r\n");
        await telnet.ExpectAsync("+OK");
        await telnet.ExpectAsync("-ERR 'Permissions Violation for Subscription to \"private.x\"'");
        await telnet.SendAsync("PING\r\n");
        await telnet.ExpectAsync("PONG");

        // Named users still need their password.
        await using RawClient admin = await RawClient.ConnectedAsync(server.Port, """{"verbose":false,"user":"admin","pass":"adminpw"}""");
        await admin.SendAsync("PUB private.x 1\r\nx\r\nPING\r\n");
        await admin.ExpectAsync("PONG");
        await using RawClient bad = await RawClient.ConnectAsync(server.Port);
        await bad.SendAsync("CONNECT {\"user\":\"admin\",\"pass\":\"nope\"}\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await bad.ReadUntilClosedAsync());
    }

    [Fact]
    public void No_auth_user_must_name_a_configured_user()
    {
        string path = ConfiguredServer.WriteConfig("authorization { users = [ { user: a, password: b } ] }\nno_auth_user: ghost\n");
        var options = NatsSharp.Server.Configuration.ConfigBinder.Load(path).Options;
        var e = Assert.Throws<NatsServerException>(() => new NatsServer(options));
        Assert.Equal("no_auth_user: \"ghost\" not present as user in authorization block or account configuration", e.Message);
    }

    [Fact]
    public async Task Nats_client_connects_with_user_and_password_in_the_url()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(UsersConfig());
        await using (NatsConnection c = await NatsNetClient.ConnectAsync($"nats://alice:s3cret@127.0.0.1:{server.Port}"))
        {
            await using INatsSub<byte[]> s = await c.SubscribeCoreAsync<byte[]>("hello");
            await c.PublishAsync("hello", new byte[] { 1, 2, 3 });
            Assert.Equal([1, 2, 3], (await NatsNetClient.NextAsync(s)).Data);
        }

        var e = await Assert.ThrowsAnyAsync<NatsException>(() => NatsNetClient.ConnectAsync($"nats://alice:wrong@127.0.0.1:{server.Port}"));
        Assert.Contains("Authorization Violation", e.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
