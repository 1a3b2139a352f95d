using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>The client protocol over raw TCP, checked against nats-server's captured transcripts.</summary>
public class ProtocolTranscriptTests
{
    [Fact]
    public async Task Info_has_nats_server_fields_and_ends_with_space_crlf()
    {
        await using var server = await TestServer.StartAsync(o => o.ServerName = "s1");
        await using var c = await RawClient.ConnectAsync(server.Port);
        Assert.EndsWith("} ", c.Info);
        using JsonDocument info = JsonDocument.Parse(c.Info["INFO ".Length..]);
        JsonElement root = info.RootElement;
        Assert.Equal(56, root.GetProperty("server_id").GetString()!.Length);
        Assert.Equal("s1", root.GetProperty("server_name").GetString());
        Assert.Equal("2.9.10", root.GetProperty("version").GetString());
        Assert.Equal(1, root.GetProperty("proto").GetInt32());
        Assert.Equal("127.0.0.1", root.GetProperty("host").GetString());
        Assert.Equal(server.Port, root.GetProperty("port").GetInt32());
        Assert.True(root.GetProperty("headers").GetBoolean());
        Assert.Equal(1048576, root.GetProperty("max_payload").GetInt32());
        Assert.True(root.GetProperty("client_id").GetUInt64() > 0);
        Assert.Equal("127.0.0.1", root.GetProperty("client_ip").GetString());
        Assert.False(root.TryGetProperty("auth_required", out _));
        var names = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["server_id", "server_name", "version", "proto", "go", "host", "port", "headers", "max_payload", "client_id", "client_ip"], names);
    }

    [Fact]
    public async Task Verbose_session_matches_the_captured_transcript()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync("CONNECT {\"verbose\":true,\"pedantic\":false}\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("PING\r\n");
        await c.ExpectAsync("PONG");
        await c.SendAsync("SUB foo 1\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("PUB foo 5\r\nhello\r\n");
        await c.ExpectAsync("+OK");
        await c.ExpectAsync("MSG foo 1 5");
        await c.ExpectAsync("hello");
        await c.SendAsync("PUB foo reply.x 2\r\nhi\r\n");
        await c.ExpectAsync("+OK");
        await c.ExpectAsync("MSG foo 1 reply.x 2");
        await c.ExpectAsync("hi");
        await c.SendAsync("UNSUB 1\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("PUB foo 1\r\nx\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("ping\r\n");
        await c.ExpectAsync("PONG"); // no MSG for the unsubscribed sid came before it
    }

    [Fact]
    public async Task Without_connect_a_client_is_verbose_and_case_and_blanks_do_not_matter()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync("sub\tfoo   1\r\n");
        await c.ExpectAsync("+OK");
        await c.SendAsync("pUb  foo\t\t3\r\nabc\r\n");
        await c.ExpectAsync("+OK");
        await c.ExpectAsync("MSG foo 1 3");
        await c.ExpectAsync("abc");
        await c.SendAsync("Ping\r\n");
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Commands_split_across_writes_at_odd_places_resume()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        foreach (string part in new[] { "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPU", "B fo", "o 5\r\nhel", "lo", "\r", "\n" })
        {
            await c.SendAsync(part);
            await Task.Yield();
        }

        await c.ExpectAsync("MSG foo 1 5");
        await c.ExpectAsync("hello");
        await c.SendAsync("PI");
        await c.SendAsync("NG\r\n");
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task A_whole_session_sent_one_byte_per_write_works()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        byte[] session = "CONNECT {\"verbose\":false}\r\nSUB a.* q 7\r\nPUB a.b r 3\r\nxyz\r\nPING\r\n"u8.ToArray();
        foreach (byte b in session)
        {
            await c.SendAsync([b]);
        }

        await c.ExpectAsync("MSG a.b 7 r 3");
        await c.ExpectAsync("xyz");
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Many_commands_in_one_write_are_all_handled()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        var batch = new System.Text.StringBuilder("CONNECT {\"verbose\":false}\r\nSUB n 1\r\n");
        for (int i = 0; i < 500; i++)
        {
            batch.Append($"PUB n {i.ToString(System.Globalization.CultureInfo.InvariantCulture).Length}\r\n{i}\r\n");
        }

        batch.Append("PING\r\n");
        await c.SendAsync(batch.ToString());
        for (int i = 0; i < 500; i++)
        {
            string s = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await c.ExpectAsync($"MSG n 1 {s.Length}");
            await c.ExpectAsync(s);
        }

        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Zero_length_payload_is_delivered()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB foo 1\r\nPUB foo 0\r\n\r\nPING\r\n");
        await c.ExpectAsync("MSG foo 1 0");
        await c.ExpectAsync("");
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Sid_is_echoed_verbatim_and_a_repeated_sid_is_ignored()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB foo my-sid.x\r\nSUB foo my-sid.x\r\nPUB foo 1\r\nx\r\nPING\r\n");
        // "SUB foo my-sid.x" has two arguments: subject and sid.
        await c.ExpectAsync("MSG foo my-sid.x 1");
        await c.ExpectAsync("x");
        await c.ExpectAsync("PONG");
    }

    [Fact]
    public async Task Unsub_with_max_counts_messages_already_delivered()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB foo 1\r\nPUB foo 1\r\na\r\nPING\r\n");
        await c.ExpectAsync("MSG foo 1 1");
        await c.ExpectAsync("a");
        await c.ExpectAsync("PONG");
        await c.SendAsync("UNSUB 1 2\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\nPUB foo 1\r\nd\r\nPING\r\n");
        await c.ExpectAsync("MSG foo 1 1");
        await c.ExpectAsync("b");
        await c.ExpectAsync("PONG");
        Assert.Equal(0, server.Server.GlobalAccount.Sublist.Count);
    }

    [Fact]
    public async Task Unsub_of_unknown_sid_is_fine()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectAsync(server.Port);
        await c.SendAsync("UNSUB 99\r\n");
        await c.ExpectAsync("+OK");
    }

    [Fact]
    public async Task Echo_false_hides_own_messages_from_self_only()
    {
        await using var server = await TestServer.StartAsync();
        await using var other = await RawClient.ConnectedAsync(server.Port);
        await other.SendAsync("SUB foo 1\r\nPING\r\n");
        await other.ExpectAsync("PONG");
        await using var self = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"echo\":false}");
        await self.SendAsync("SUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\n");
        await self.ExpectAsync("PONG");
        await other.ExpectAsync("MSG foo 1 2");
        await other.ExpectAsync("hi");
    }

    [Fact]
    public async Task Wildcards_deliver_and_literal_wildcard_publish_matches_literally()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB foo.* 1\r\nSUB foo.> 2\r\nSUB foo.bar 3\r\nSUB > 4\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        await c.SendAsync("PUB foo.* 1\r\nx\r\nPING\r\n");
        var got = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            got.Add(await c.ReadLineAsync());
            await c.ExpectAsync("x");
        }

        await c.ExpectAsync("PONG");
        got.Sort(StringComparer.Ordinal);
        Assert.Equal(["MSG foo.* 1 1", "MSG foo.* 2 1", "MSG foo.* 4 1"], got);
    }

    [Fact]
    public async Task Subject_with_empty_token_matches_nothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB > 1\r\nPUB foo..bar 1\r\nx\r\nPING\r\n");
        await c.ExpectAsync("PONG");
    }
}
