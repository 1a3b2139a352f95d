using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>Each -ERR of nats-server's catalogue: exact text, and whether the connection survives.</summary>
public class ErrorTests
{
    private static async Task<List<string>> SendAndReadUntilClosed(int port, string input, bool connectFirst = true)
    {
        await using RawClient c = connectFirst ? await RawClient.ConnectedAsync(port) : await RawClient.ConnectAsync(port);
        await c.SendAsync(input);
        return await c.ReadUntilClosedAsync();
    }

    [Theory]
    [InlineData("FOO bar\r\n")]
    [InlineData("MSG foo 1 2\r\nhi\r\n")]
    [InlineData("RS+ $G foo\r\n")]
    [InlineData("HMSG foo 1 12 12\r\n")]
    [InlineData("UNSUB\r\n")]
    [InlineData("PUB a 2\r\nhi\nPING\r\n")]
    public async Task Unknown_protocol_operation_closes(string input)
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(["-ERR 'Unknown Protocol Operation'"], await SendAndReadUntilClosed(server.Port, input));
    }

    [Fact]
    public async Task Max_payload_violation_closes_before_the_payload_arrives()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(["-ERR 'Maximum Payload Violation'"], await SendAndReadUntilClosed(server.Port, "PUB foo 1048577\r\n"));
    }

    [Fact]
    public async Task Payload_of_exactly_max_payload_is_accepted()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxPayload = 1000);
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync($"SUB big 1\r\nPUB big 1000\r\n{new string('z', 1000)}\r\nPING\r\n");
        await c.ExpectAsync("MSG big 1 1000");
        Assert.Equal(1000, (await c.ReadLineAsync()).Length);
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Max_control_line_exceeded_closes()
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal(["-ERR 'maximum control line exceeded'"], await SendAndReadUntilClosed(server.Port, $"SUB {new string('a', 4100)} 1\r\n"));
    }

    [Theory]
    [InlineData("PUB foo\r\n")]
    [InlineData("PUB foo a b 3\r\nabc\r\n")]
    [InlineData("PUB foo abc\r\n")]
    [InlineData("SUB foo\r\n")]
    [InlineData("SUB foo q 1 x\r\n")]
    [InlineData("UNSUB 1 2 3\r\n")]
    [InlineData("CONNECT\r\n")]
    [InlineData("CONNECT {\"verbose\":\"yes\"}\r\n")]
    [InlineData("-ERR 'oops'\r\n")]
    [InlineData("HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n")]
    public async Task Malformed_commands_close_without_an_error_line(string input)
    {
        await using var server = await TestServer.StartAsync();
        Assert.Empty(await SendAndReadUntilClosed(server.Port, input));
    }

    [Fact]
    public async Task Invalid_subscription_subject_keeps_the_connection()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        foreach (string subject in new[] { "foo..bar", ".foo", "foo.", "foo.>.bar" })
        {
            await c.SendAsync($"SUB {subject} 1\r\n");
            await c.ExpectAsync("-ERR 'Invalid Subject'");
        }

        await c.SendAsync("SUB foo*.bar 2\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        Assert.Equal(1, server.Server.GlobalAccount.Sublist.Count);
    }

    [Fact]
    public async Task Pedantic_publish_to_a_wildcard_errs_but_still_delivers()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync("CONNECT {\"verbose\":true,\"pedantic\":true}\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("SUB > 1\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("PUB foo.* 1\r\nx\r\n");
        await c.ExpectAsync("-ERR 'Invalid Publish Subject'");
        await c.ExpectAsync("+OK");
        await c.ExpectAsync("MSG foo.* 1 1");
        await c.ExpectAsync("x");
    }

    [Theory]
    [InlineData("PUB foo _R_.abc 1\r\nx\r\n", "-ERR 'Permissions Violation for Publish with Reply of \"_R_.abc\"'")]
    [InlineData("PUB foo $JS.ACK.x 1\r\nx\r\n", "-ERR 'Permissions Violation for Publish with Reply of \"$JS.ACK.x\"'")]
    [InlineData("PUB _GR_.abc.def 1\r\nx\r\n", "-ERR 'Permissions Violation for Publish to \"_GR_.abc.def\"'")]
    public async Task Reserved_subjects_are_refused_and_the_connection_stays(string input, string error)
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB > 1\r\n" + input + "PING\r\n");
        await c.ExpectAsync(error);
        await c.ExpectAsync("PONG"); // and nothing was delivered
    }

    [Theory]
    [InlineData("{\"protocol\":2}", "-ERR 'invalid client protocol'")]
    [InlineData("{\"protocol\":-1}", "-ERR 'invalid client protocol'")]
    [InlineData("{\"no_responders\":true}", "-ERR 'no responders requires headers support'")]
    [InlineData("{\"account\":\"A\"}", "-ERR 'Authorization Violation'")]
    public async Task Bad_connect_options_close_with_their_error(string json, string error)
    {
        await using var server = await TestServer.StartAsync();
        Assert.Equal([error], await SendAndReadUntilClosed(server.Port, $"CONNECT {json}\r\n", connectFirst: false));
    }

    [Fact]
    public async Task Unknown_connect_fields_are_ignored_and_defaults_are_verbose()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync("CONNECT {\"foo\":1}\r\n");
        await c.ExpectAsync("+OK");
    }

    [Fact]
    public async Task Only_the_offending_client_is_affected()
    {
        await using var server = await TestServer.StartAsync();
        await using var good = await RawClient.ConnectedAsync(server.Port);
        await good.SendAsync("SUB foo 1\r\nPING\r\n");
        await good.ExpectAsync("PONG");
        Assert.Equal(["-ERR 'Unknown Protocol Operation'"], await SendAndReadUntilClosed(server.Port, "BOGUS\r\n"));
        await using var pub = await RawClient.ConnectedAsync(server.Port);
        await pub.SendAsync("PUB foo 2\r\nok\r\nPING\r\n");
        await pub.ExpectAsync("PONG");
        await good.ExpectAsync("MSG foo 1 2");
        await good.ExpectAsync("ok");
    }
}
