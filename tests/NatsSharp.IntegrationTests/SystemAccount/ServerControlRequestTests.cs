using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.SystemAccount;

/// <summary>
/// The server-control requests of nats-server 2.10 (natscli's <c>nats server request kick|ldm|reload</c>):
/// <c>$SYS.REQ.SERVER.&lt;id&gt;.KICK</c>, <c>LDM</c> and <c>RELOAD</c>. nats-server 2.9.10 has none
/// of them (it does not answer), so these are checked against the 2.10 behaviour as documented.
/// </summary>
public class ServerControlRequestTests
{
    private const string AppConnect = "CONNECT {\"verbose\":false,\"protocol\":1,\"user\":\"app\",\"pass\":\"app\"}\r\nPING\r\n";

    [Fact]
    public async Task Kick_closes_the_client_with_reason_kicked_and_an_unknown_id_is_an_error()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(SystemAccountSideBySideTests.Config);
        (RawClient app, ulong cid) = await ConnectAppAsync(server.Port);
        await using RawClient _ = app;

        AssertDone(await AskAsync(server, "KICK", $$"""{"cid":{{cid}}}"""));
        await app.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        string? closed = null;
        await Eventually.TrueAsync(async () =>
        {
            closed = await SystemAccountSideBySideTests.AskAsync(server.Port, "$SYS.REQ.SERVER.PING.CONNZ", $$"""{"state":1,"cid":{{cid}}}""");
            return closed?.Contains("\"reason\":\"Kicked\"") == true;
        }, "the closed connection with reason Kicked");

        using JsonDocument unknown = await AskAsync(server, "KICK", """{"cid":999999}""");
        Assert.Equal(500, unknown.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("no such client or leafnode id", unknown.RootElement.GetProperty("error").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Ldm_sends_the_client_a_lame_duck_info_and_keeps_it_connected()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(SystemAccountSideBySideTests.Config);
        (RawClient app, ulong cid) = await ConnectAppAsync(server.Port);
        await using RawClient _ = app;

        AssertDone(await AskAsync(server, "LDM", $$"""{"cid":{{cid}}}"""));
        string info = await app.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("INFO ", info);
        Assert.Contains("\"ldm\":true", info);
        await app.SendAsync("PING\r\n");
        await app.ExpectAsync("PONG");

        using JsonDocument unknown = await AskAsync(server, "LDM", """{"cid":999999}""");
        Assert.Equal("no such client id", unknown.RootElement.GetProperty("error").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Reload_without_a_config_file_answers_why()
    {
        await using NatsServer server = await ConfiguredServer.StartAsync(SystemAccountSideBySideTests.Config);
        using JsonDocument answer = await AskAsync(server, "RELOAD", "");
        Assert.Equal(500, answer.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("can only reload config when a file is provided using -c or --config",
            answer.RootElement.GetProperty("error").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Reload_rereads_the_daemons_config_file()
    {
        string dir = Directory.CreateTempSubdirectory("sys-reload-").FullName;
        string conf = Path.Combine(dir, "s.conf");
        await File.WriteAllTextAsync(conf, SystemAccountSideBySideTests.Config + "\nmax_payload: 1MB\n");
        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        int port = await d.ClientPortAsync(dir, TimeSpan.FromSeconds(30));
        string id = await ServerIdAsync(port);

        await File.WriteAllTextAsync(conf, SystemAccountSideBySideTests.Config + "\nmax_payload: 2MB\n");
        string? ok = await SystemAccountSideBySideTests.AskAsync(port, $"$SYS.REQ.SERVER.{id}.RELOAD", "");
        Assert.NotNull(ok);
        AssertDone(JsonDocument.Parse(ok));

        await Eventually.TrueAsync(() => d.Stderr.Contains("Reloaded: max_payload = 2097152"), "the reload in the log", TimeSpan.FromSeconds(30));

        await File.WriteAllTextAsync(conf, "port: {\n");
        string? bad = await SystemAccountSideBySideTests.AskAsync(port, $"$SYS.REQ.SERVER.{id}.RELOAD", "");
        using JsonDocument failed = JsonDocument.Parse(bad!);
        Assert.Equal(500, failed.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("Parse error on line 2", failed.RootElement.GetProperty("error").GetProperty("description").GetString());
    }

    /// <summary>An APP client past its first PONG (so it takes async INFO), and its client id.</summary>
    private static async Task<(RawClient App, ulong Cid)> ConnectAppAsync(int port)
    {
        RawClient app = await RawClient.ConnectAsync(port);
        using JsonDocument doc = JsonDocument.Parse(app.Info["INFO ".Length..]);
        await app.SendAsync(AppConnect);
        await app.ExpectAsync("PONG");
        return (app, doc.RootElement.GetProperty("client_id").GetUInt64());
    }

    /// <summary>Success: <c>"data":null</c> and no error.</summary>
    private static void AssertDone(JsonDocument answer)
    {
        using (answer)
        {
            Assert.Equal(JsonValueKind.Null, answer.RootElement.GetProperty("data").ValueKind);
            Assert.False(answer.RootElement.TryGetProperty("error", out _));
        }
    }

    private static async Task<string> ServerIdAsync(int port)
    {
        await using RawClient c = await RawClient.ConnectAsync(port);
        using JsonDocument doc = JsonDocument.Parse(c.Info["INFO ".Length..]);
        return doc.RootElement.GetProperty("server_id").GetString()!;
    }

    private static async Task<JsonDocument> AskAsync(NatsServer server, string request, string body)
    {
        string? answer = await SystemAccountSideBySideTests.AskAsync(server.Port, $"$SYS.REQ.SERVER.{server.ServerId}.{request}", body);
        Assert.NotNull(answer);
        return JsonDocument.Parse(answer);
    }
}
