using System.Text.Json;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests.SystemAccount;

/// <summary>
/// The system account against nats-server 2.9.10 with the same config: each $SYS request and
/// event, compared by JSON shape (ids, times and counters differ by nature), with raw clients and NATS.Net.
/// </summary>
public class SystemAccountSideBySideTests
{
    internal const string Config = """
        accounts {
          SYS: { users: [{user: sys, password: sys}] }
          APP: { users: [{user: app, password: app}] }
        }
        system_account: SYS
        """;

    // Ours only: /varz names its own version; nats-server's disconnect carries an RTT it measured, ours one only when measured.
    private static readonly HashSet<string> Ignored = ["data.natssharp_version", "client.rtt"];

    /// <summary>Request subject and body; an expected "none" means nats-server does not answer.</summary>
    public static readonly TheoryData<string, string> Requests = new()
    {
        { "$SYS.REQ.SERVER.PING", "" },
        { "$SYS.REQ.SERVER.PING.STATSZ", "" },
        { "$SYS.REQ.SERVER.PING.VARZ", "" },
        { "$SYS.REQ.SERVER.PING.CONNZ", """{"subscriptions":true}""" },
        { "$SYS.REQ.SERVER.PING.SUBSZ", "" },
        { "$SYS.REQ.SERVER.PING.SUBSZ", """{"subscriptions":true,"account":"APP"}""" },
        { "$SYS.REQ.SERVER.PING.ROUTEZ", "" },
        { "$SYS.REQ.SERVER.PING.LEAFZ", "" },
        { "$SYS.REQ.SERVER.PING.GATEWAYZ", "" },
        { "$SYS.REQ.SERVER.PING.ACCOUNTZ", "" },
        { "$SYS.REQ.SERVER.PING.ACCOUNTZ", """{"account":"APP"}""" },
        { "$SYS.REQ.SERVER.PING.HEALTHZ", "" },
        { "$SYS.REQ.SERVER.PING.JSZ", "" },
        { "$SYS.REQ.SERVER.PING.VARZ", "{bad" },
        { "$SYS.REQ.SERVER.PING.CONNZ", """{"subscriptions":"yes"}""" },
        { "$SYS.REQ.ACCOUNT.PING.STATZ", "" },
        { "$SYS.REQ.ACCOUNT.PING.STATZ", """{"accounts":["APP"],"include_unused":true}""" },
        { "$SYS.REQ.ACCOUNT.APP.CONNZ", "" },
        { "$SYS.REQ.ACCOUNT.APP.SUBSZ", "" },
        { "$SYS.REQ.ACCOUNT.APP.LEAFZ", "" },
        { "$SYS.REQ.ACCOUNT.APP.INFO", "" },
        { "$SYS.REQ.ACCOUNT.APP.JSZ", "" },
        { "$SYS.REQ.ACCOUNT.NOPE.INFO", "" },
        { "$SYS.REQ.ACCOUNT.SYS.STATZ", "" },
        { "$SYS.REQ.ACCOUNT.APP.STATZ", "" },
        { "$SYS.REQ.ACCOUNT.NOPE.STATZ", "" },
        { "$SYS.REQ.SERVER.PING.VARZ", """{"server_name":"no-such-server"}""" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Request_is_answered_as_nats_server_answers_it(string subject, string body)
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);

        string? expected = await AskAsync(real.Port, subject, body);
        string? actual = await AskAsync(ours.Port, subject, body);
        Assert.True((expected is null) == (actual is null), $"nats-server: {expected ?? "no answer"}\nours: {actual ?? "no answer"}");
        if (expected is not null)
        {
            JsonShape.AssertSame(subject + " " + body, expected, actual!, Ignored, "data.http_req_stats");
        }
    }

    /// <summary>Asks once as the system user; null when the server does not answer (a HEALTHZ request sent after it is answered first).</summary>
    internal static async Task<string?> AskAsync(int port, string subject, string body)
    {
        await using SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys");
        await sys.SubscribeAsync("_INBOX.t.>", 1);
        await sys.PublishAsync(subject, "_INBOX.t.answer", body);
        await sys.PublishAsync("$SYS.REQ.SERVER.PING.HEALTHZ", "_INBOX.t.marker", "");
        List<(string Subject, string Body)> seen = await sys.UntilAsync("_INBOX.t.marker");
        return seen.Where(m => m.Subject == "_INBOX.t.answer").Select(m => m.Body).SingleOrDefault();
    }

    [Theory]
    [InlineData("""{"tags":["region:east"]}""", true)]
    [InlineData("""{"tags":["REGION:EAST","ssd"]}""", true)]
    [InlineData("""{"tags":["region:west"]}""", false)]
    public async Task Server_tags_show_in_varz_and_the_envelope_and_filter_requests(string body, bool answered)
    {
        string config = Config + "\nserver_tags: [\"Region:East\", \" ssd \", \"region:east\"]\n";
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);

        foreach (int port in new[] { real.Port, ours.Port })
        {
            string? answer = await AskAsync(port, "$SYS.REQ.SERVER.PING.VARZ", body);
            Assert.Equal(answered, answer is not null);
            if (answer is not null)
            {
                using JsonDocument doc = JsonDocument.Parse(answer);
                Assert.Equal(["region:east", "ssd"], doc.RootElement.GetProperty("server").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
                Assert.Equal(["region:east", "ssd"], doc.RootElement.GetProperty("data").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            }
        }
    }

    /// <summary>
    /// nats-server registers the system imports with an account a reload adds, but 2.9.10 then
    /// panics on the first such request (nil response-threshold timer in addRespServiceImport:
    /// the exports were re-registered by the reload), so it cannot be the reference here; see
    /// docs/compatibility.md.
    /// </summary>
    [Fact]
    public async Task An_account_added_by_reload_gets_the_system_imports()
    {
        string executable = DaemonProcess.AppHost;
        string dir = Directory.CreateTempSubdirectory("sys-reload-acc-").FullName;
        string conf = Path.Combine(dir, "s.conf");
        await File.WriteAllTextAsync(conf, Config);
        await using DaemonProcess d = DaemonProcess.StartAt(executable, "-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        int port = await d.ClientPortAsync(dir, TimeSpan.FromSeconds(30));

        await File.WriteAllTextAsync(conf, Config.Replace("APP: {", "NEW: { users: [{user: new, password: new}] }\n  APP: {", StringComparison.Ordinal));
        d.Signal(1); // SIGHUP
        await Eventually.TrueAsync(() => d.Stderr.Contains("Reloaded server configuration"), $"{executable} to reload", TimeSpan.FromSeconds(30));

        await using SysClient user = await SysClient.ConnectAsync(port, "new", "new", "new-client");
        await user.SubscribeAsync("_INBOX.t.>", 1);
        await user.PublishAsync("$SYS.REQ.ACCOUNT.PING.CONNZ", "_INBOX.t.answer", "");
        (string subject, string body) = await user.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("_INBOX.t.answer", subject);
        using JsonDocument doc = JsonDocument.Parse(body);
        JsonElement connections = doc.RootElement.GetProperty("data").GetProperty("connections");
        Assert.Equal("new-client", Assert.Single(connections.EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Connect_disconnect_conns_and_auth_error_events_have_nats_server_shapes()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);

        Dictionary<string, string> expected = await EventsAsync(real.Port);
        Dictionary<string, string> actual = await EventsAsync(ours.Port);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach ((string kind, string json) in expected)
        {
            JsonShape.AssertSame(kind, json, actual[kind], Ignored);
        }
    }

    /// <summary>
    /// Ours skips an account's CONNS update that nobody would receive (a storm of connects costs no sum or JSON);
    /// the first update after someone subscribes still counts every connection made before, on both subjects.
    /// </summary>
    [Fact]
    public async Task Conns_update_after_a_late_subscriber_counts_the_connections_made_unheard()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);

        foreach (int port in new[] { real.Port, ours.Port })
        {
            var early = new List<SysClient>();
            for (int i = 0; i < 3; i++)
            {
                early.Add(await SysClient.ConnectAsync(port, "app", "app", $"early-{i}"));
            }

            await using SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys");
            await sys.SubscribeAsync("$SYS.ACCOUNT.APP.SERVER.CONNS", 1);
            await sys.SubscribeAsync("$SYS.SERVER.ACCOUNT.APP.CONNS", 2);
            await using (SysClient late = await SysClient.ConnectAsync(port, "app", "app", "late"))
            {
                var seen = new Dictionary<string, int>();
                // An early client's update may still be on its way when the subscriptions land: read until both say 4.
                for (int i = 0; i < 10 && !(seen.Count == 2 && seen.Values.All(n => n == 4)); i++)
                {
                    (string subject, string body) = await sys.NextAsync(TimeSpan.FromSeconds(10));
                    using JsonDocument doc = JsonDocument.Parse(body);
                    seen[subject] = doc.RootElement.GetProperty("conns").GetInt32();
                }

                Assert.Equal(4, seen["$SYS.ACCOUNT.APP.SERVER.CONNS"]);
                Assert.Equal(4, seen["$SYS.SERVER.ACCOUNT.APP.CONNS"]);
            }

            foreach (SysClient client in early)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>An APP client connects and leaves, a client fails to log in: the events a $SYS.> subscriber sees, by kind.</summary>
    private static async Task<Dictionary<string, string>> EventsAsync(int port)
    {
        await using SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys");
        await sys.SubscribeAsync("$SYS.ACCOUNT.APP.>", 1);
        await sys.SubscribeAsync("$SYS.SERVER.*.CLIENT.AUTH.ERR", 2);
        await sys.SubscribeAsync("_INBOX.t.>", 3);
        await using (SysClient app = await SysClient.ConnectAsync(port, "app", "app", "app-client"))
        {
            await app.PublishAsync("foo", null, "hello");
        }

        await using (RawClient bad = await RawClient.ConnectAsync(port))
        {
            await bad.SendAsync("CONNECT {\"verbose\":false,\"user\":\"app\",\"pass\":\"wrong\",\"name\":\"bad\",\"lang\":\"raw\",\"version\":\"1.0\"}\r\nPING\r\n");
            await bad.ReadUntilClosedAsync();
        }

        var events = new Dictionary<string, string>();
        for (int i = 0; i < 100 && events.Count < 4; i++)
        {
            (string subject, string body) = await sys.NextAsync();
            string kind = subject.EndsWith(".CLIENT.AUTH.ERR", StringComparison.Ordinal) ? "AUTH.ERR" : subject["$SYS.ACCOUNT.APP.".Length..];
            if (kind is "CONNECT" or "DISCONNECT" or "AUTH.ERR" or "SERVER.CONNS")
            {
                events.TryAdd(kind, body);
            }
        }

        return events;
    }

    [Fact]
    public async Task Statsz_heartbeat_has_nats_server_shape()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);

        // The heartbeat starts at 250 ms and doubles up to 30 s: the next one is at most ~16 s away.
        string expected = await NextStatszAsync(real.Port);
        string actual = await NextStatszAsync(ours.Port);
        JsonShape.AssertSame("STATSZ", expected, actual, Ignored);
    }

    internal static async Task<string> NextStatszAsync(int port)
    {
        await using SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys");
        await sys.SubscribeAsync("$SYS.SERVER.*.STATSZ", 1);
        (string _, string body) = await sys.NextAsync(TimeSpan.FromSeconds(40));
        return body;
    }

    [Fact]
    public async Task Other_accounts_see_no_sys_traffic_but_get_their_own_connz_through_the_import()
    {
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(Config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(Config);

        foreach (int port in new[] { real.Port, ours.Port })
        {
            await using NatsConnection app = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}", o => o with { AuthOpts = new NatsAuthOpts { Username = "app", Password = "app" } });
            await using INatsSub<string> all = await app.SubscribeCoreAsync<string>("$SYS.>");
            await app.PingAsync();

            // The imported service answers with APP's connections only.
            NatsMsg<string> reply = await app.RequestAsync<string, string>("$SYS.REQ.SERVER.PING.CONNZ", "");
            using JsonDocument connz = JsonDocument.Parse(reply.Data!);
            JsonElement conns = connz.RootElement.GetProperty("data").GetProperty("connections");
            Assert.Equal(1, conns.GetArrayLength());
            Assert.Equal("natssharp-tests", conns[0].GetProperty("name").GetString());

            // A system user's request is not seen by APP's "$SYS.>" subscriber (only its own request was).
            await using (SysClient sys = await SysClient.ConnectAsync(port, "sys", "sys"))
            {
                await sys.SubscribeAsync("_INBOX.t.>", 1);
                await sys.PublishAsync("$SYS.REQ.SERVER.PING.VARZ", "_INBOX.t.1", "");
                await sys.UntilAsync("_INBOX.t.1");
            }

            await app.PublishAsync("$SYS.marker", "end");
            var seen = new List<string>();
            for (int i = 0; i < 10; i++)
            {
                NatsMsg<string> m = await NatsNetClient.NextAsync(all);
                seen.Add(m.Subject);
                if (m.Subject == "$SYS.marker")
                {
                    break;
                }
            }

            Assert.Equal(["$SYS.REQ.SERVER.PING.CONNZ", "$SYS.marker"], seen);
        }
    }

    [Fact]
    public async Task No_system_account_means_no_sys_services()
    {
        const string config = "no_system_account: true\n";
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);
        foreach (int port in new[] { real.Port, ours.Port })
        {
            await using NatsConnection nc = await NatsNetClient.ConnectAsync($"nats://127.0.0.1:{port}");
            await Assert.ThrowsAsync<NatsNoRespondersException>(async () => await nc.RequestAsync<string, string>("$SYS.REQ.SERVER.PING.CONNZ", ""));
        }
    }
}
