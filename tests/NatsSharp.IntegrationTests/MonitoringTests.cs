using System.Net;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>The monitoring endpoints over real HTTP, with real traffic on the client port.</summary>
public class MonitoringTests
{
    private static Task<TestServer> StartAsync(Action<ServerOptions>? configure = null) =>
        TestServer.StartAsync(o =>
        {
            o.HttpPort = ServerOptions.RandomPort;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task Varz_counts_messages_bytes_connections_and_subscriptions()
    {
        await using TestServer server = await StartAsync();
        Assert.True(server.Server.MonitorPort > 0);
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using RawClient sub = await RawClient.ConnectedAsync(server.Port);
        await using RawClient pub = await RawClient.ConnectedAsync(server.Port);
        await sub.SendAsync("SUB foo 1\r\nSUB bar 2\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        for (int i = 0; i < 5; i++)
        {
            await pub.SendAsync("PUB foo 5\r\nhello\r\n");
        }

        await pub.SendAsync("PUB nobody 3\r\nabc\r\n");
        for (int i = 0; i < 5; i++)
        {
            await sub.ExpectAsync("MSG foo 1 5");
            await sub.ExpectAsync("hello");
        }

        JsonElement v = await Eventually.JsonAsync(http, "/varz", v => v.GetProperty("out_msgs").GetInt64() == 5 && v.GetProperty("in_msgs").GetInt64() == 6);
        Assert.Equal(28, v.GetProperty("in_bytes").GetInt64());
        Assert.Equal(25, v.GetProperty("out_bytes").GetInt64());
        Assert.Equal(2, v.GetProperty("connections").GetInt32());
        Assert.Equal(2, v.GetProperty("total_connections").GetInt64());
        Assert.Equal(2, v.GetProperty("subscriptions").GetInt32());
        Assert.Equal(0, v.GetProperty("slow_consumers").GetInt64());
        Assert.Equal(server.Server.ServerId, v.GetProperty("server_id").GetString());
        Assert.Equal("2.9.10", v.GetProperty("version").GetString());
        Assert.Equal(server.Port, v.GetProperty("port").GetInt32());
        Assert.Equal(120_000_000_000, v.GetProperty("ping_interval").GetInt64());
        Assert.Equal(10_000_000_000, v.GetProperty("write_deadline").GetInt64());
        Assert.Equal(2, v.GetProperty("auth_timeout").GetDouble());
        Assert.Equal(-1, v.GetProperty("http_port").GetInt32()); // the configured value, as nats-server
        Assert.Equal("127.0.0.1", v.GetProperty("http_host").GetString());
        Assert.Equal(JsonValueKind.Object, v.GetProperty("cluster").ValueKind);
        Assert.True(v.GetProperty("mem").GetInt64() > 0);
        Assert.Equal(Environment.ProcessorCount, v.GetProperty("cores").GetInt32());
        Assert.True(v.GetProperty("http_req_stats").GetProperty("/varz").GetInt64() >= 1);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", v.GetProperty("start").GetString());
        Assert.Matches(@"^\d+s$", v.GetProperty("uptime").GetString());

        // The request counter counts every hit on the path.
        long before = v.GetProperty("http_req_stats").GetProperty("/varz").GetInt64();
        JsonElement again = await http.JsonAsync("/varz");
        Assert.Equal(before + 1, again.GetProperty("http_req_stats").GetProperty("/varz").GetInt64());
    }

    [Fact]
    public async Task Responses_are_indented_like_go_and_healthz_is_compact()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        var (status, type, body) = await http.GetAsync("/routez");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", type);
        Assert.Matches("^\\{\n  \"server_id\": \"N[A-Z0-9]{55}\",\n  \"now\": \"[^\"]+\",\n  \"num_routes\": 0,\n  \"routes\": \\[\\]\n\\}$", body);

        var health = await http.GetAsync("/healthz");
        Assert.Equal((HttpStatusCode.OK, "application/json", "{\"status\":\"ok\"}"), health);

        var leafz = await http.JsonAsync("/leafz");
        Assert.Equal(0, leafz.GetProperty("leafnodes").GetInt32());
        Assert.Equal(JsonValueKind.Null, leafz.GetProperty("leafs").ValueKind);

        var gatewayz = await http.JsonAsync("/gatewayz");
        Assert.Equal("{}", gatewayz.GetProperty("outbound_gateways").GetRawText());
        Assert.Equal("{}", gatewayz.GetProperty("inbound_gateways").GetRawText());
    }

    [Fact]
    public async Task Jsonp_callback_404_and_any_method()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        var (status, type, body) = await http.GetAsync("/healthz?callback=cb");
        Assert.Equal((HttpStatusCode.OK, "application/javascript", "cb({\"status\":\"ok\"})"), (status, type, body));

        var missing = await http.GetAsync("/nope");
        Assert.Equal((HttpStatusCode.NotFound, "text/plain; charset=utf-8", "404 page not found\n"), missing);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/varz/extra")).Status);

        using var client = new HttpClient();
        using HttpResponseMessage post = await client.PostAsync($"http://127.0.0.1:{server.Server.MonitorPort}/varz", new StringContent(""));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using var head = new HttpRequestMessage(HttpMethod.Head, $"http://127.0.0.1:{server.Server.MonitorPort}/varz");
        using HttpResponseMessage headResponse = await client.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headResponse.StatusCode);
        Assert.Equal("application/json", headResponse.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Connz_describes_each_client_with_its_counters_and_connect_fields()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using RawClient sub = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"pedantic\":false,\"name\":\"subscriber-1\",\"lang\":\"python\",\"version\":\"1.0\",\"user\":\"alice\"}");
        await using RawClient pub = await RawClient.ConnectedAsync(server.Port);
        await sub.SendAsync("SUB orders.* 1\r\nSUB orders.new workers 2\r\nSUB other.> 3\r\nUNSUB 3 10\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await pub.SendAsync("PUB orders.new 3\r\nabc\r\nPUB orders.old 2\r\nde\r\nPING\r\n");
        await pub.ExpectAsync("PONG");
        for (int i = 0; i < 3; i++)
        {
            await sub.ReadLineAsync();
            await sub.ReadLineAsync();
        }

        JsonElement connz = await http.JsonAsync("/connz");
        Assert.Equal(2, connz.GetProperty("num_connections").GetInt32());
        Assert.Equal(2, connz.GetProperty("total").GetInt32());
        Assert.Equal(0, connz.GetProperty("offset").GetInt32());
        Assert.Equal(1024, connz.GetProperty("limit").GetInt32());
        JsonElement[] conns = [.. connz.GetProperty("connections").EnumerateArray()];
        JsonElement s = conns[0], p = conns[1];
        Assert.True(s.GetProperty("cid").GetUInt64() < p.GetProperty("cid").GetUInt64());
        Assert.Equal("Client", s.GetProperty("kind").GetString());
        Assert.Equal("nats", s.GetProperty("type").GetString());
        Assert.Equal("127.0.0.1", s.GetProperty("ip").GetString());
        Assert.True(s.GetProperty("port").GetInt32() > 0);
        Assert.Equal("subscriber-1", s.GetProperty("name").GetString());
        Assert.Equal("python", s.GetProperty("lang").GetString());
        Assert.Equal("1.0", s.GetProperty("version").GetString());
        Assert.False(p.TryGetProperty("name", out _)); // omitted when empty
        Assert.Equal(3, s.GetProperty("subscriptions").GetInt32());
        Assert.Equal(3, s.GetProperty("out_msgs").GetInt64());
        Assert.Equal(8, s.GetProperty("out_bytes").GetInt64());
        Assert.Equal(0, s.GetProperty("in_msgs").GetInt64());
        Assert.Equal(2, p.GetProperty("in_msgs").GetInt64());
        Assert.Equal(5, p.GetProperty("in_bytes").GetInt64());
        Assert.Equal(0, p.GetProperty("pending_bytes").GetInt32());
        Assert.Equal("0s", p.GetProperty("rtt").GetString());
        Assert.Matches(@"^\d+s$", s.GetProperty("uptime").GetString());
        Assert.Matches(@"^\d+s$", s.GetProperty("idle").GetString());
        Assert.False(s.TryGetProperty("subscriptions_list", out _));
        Assert.False(s.TryGetProperty("authorized_user", out _));

        // subs=1: subjects only, queue subscriptions without their group.
        JsonElement withSubs = (await http.JsonAsync("/connz?subs=1")).GetProperty("connections")[0];
        Assert.Equal(["orders.*", "orders.new", "other.>"], withSubs.GetProperty("subscriptions_list").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));

        // subs=detail: objects with sid, msgs, qgroup and max.
        JsonElement detail = (await http.JsonAsync("/connz?subs=detail")).GetProperty("connections")[0];
        var bySid = detail.GetProperty("subscriptions_list_detail").EnumerateArray().ToDictionary(e => e.GetProperty("sid").GetString()!);
        Assert.Equal("orders.*", bySid["1"].GetProperty("subject").GetString());
        Assert.Equal(2, bySid["1"].GetProperty("msgs").GetInt64());
        Assert.Equal("workers", bySid["2"].GetProperty("qgroup").GetString());
        Assert.Equal(1, bySid["2"].GetProperty("msgs").GetInt64());
        Assert.Equal(10, bySid["3"].GetProperty("max").GetInt64());
        Assert.False(bySid["1"].TryGetProperty("qgroup", out _));
        Assert.False(bySid["1"].TryGetProperty("account", out _));
        Assert.Equal(s.GetProperty("cid").GetUInt64(), bySid["1"].GetProperty("cid").GetUInt64());

        // auth=1 adds the user (no account: it is $G); user= filters by it.
        JsonElement auth = (await http.JsonAsync("/connz?auth=1")).GetProperty("connections")[0];
        Assert.Equal("alice", auth.GetProperty("authorized_user").GetString());
        Assert.False(auth.TryGetProperty("account", out _));
        JsonElement alice = await http.JsonAsync("/connz?auth=true&user=alice");
        Assert.Equal(1, alice.GetProperty("num_connections").GetInt32());
    }

    [Fact]
    public async Task Connz_sorts_pages_and_selects_by_cid()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        var clients = new List<RawClient>();
        try
        {
            // Client i has i subscriptions and publishes i messages of i bytes.
            for (int i = 1; i <= 4; i++)
            {
                RawClient c = await RawClient.ConnectedAsync(server.Port);
                clients.Add(c);
                for (int k = 0; k < i; k++)
                {
                    await c.SendAsync($"SUB s{i}.{k} {k}\r\nPUB none {i}\r\n{new string('x', i)}\r\n");
                }

                await c.SendAsync("PING\r\n");
                await c.ExpectAsync("PONG");
            }

            async Task<ulong[]> Cids(string query) =>
                [.. (await http.JsonAsync("/connz?" + query)).GetProperty("connections").EnumerateArray().Select(e => e.GetProperty("cid").GetUInt64())];

            ulong[] byCid = await Cids("sort=cid");
            Assert.Equal(byCid.Order(), byCid);
            Assert.Equal(byCid, await Cids("sort=start"));
            ulong[] reversed = [.. byCid.Reverse()];
            Assert.Equal(reversed, await Cids("sort=subs"));
            Assert.Equal(reversed, await Cids("sort=msgs_from"));
            Assert.Equal(reversed, await Cids("sort=bytes_from"));
            Assert.Equal(4, (await Cids("sort=msgs_to")).Length);
            Assert.Equal(4, (await Cids("sort=bytes_to")).Length);
            Assert.Equal(4, (await Cids("sort=pending")).Length);
            Assert.Equal(4, (await Cids("sort=last")).Length);
            Assert.Equal(4, (await Cids("sort=idle")).Length);
            Assert.Equal(reversed, await Cids("sort=uptime")); // newest first: shortest uptime
            Assert.Equal(byCid[1..3], await Cids("offset=1&limit=2"));
            Assert.Equal(byCid, await Cids("offset=-5&limit=0"));
            Assert.Empty(await Cids("offset=10"));

            JsonElement page = await http.JsonAsync("/connz?sort=subs&limit=1&offset=1");
            Assert.Equal(1, page.GetProperty("num_connections").GetInt32());
            Assert.Equal(4, page.GetProperty("total").GetInt32());
            Assert.Equal(3, page.GetProperty("connections")[0].GetProperty("subscriptions").GetInt32());

            JsonElement one = await http.JsonAsync($"/connz?cid={byCid[2]}");
            Assert.Equal(1, one.GetProperty("limit").GetInt32());
            Assert.Equal(byCid[2], one.GetProperty("connections")[0].GetProperty("cid").GetUInt64());
            JsonElement none = await http.JsonAsync("/connz?cid=999999");
            Assert.Equal(0, none.GetProperty("connections").GetArrayLength());
        }
        finally
        {
            foreach (RawClient c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Connz_keeps_closed_connections_with_their_reason()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using (RawClient bad = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"name\":\"bad\"}"))
        {
            await bad.SendAsync("SUB keep.me 7\r\nPING\r\n");
            await bad.ExpectAsync("PONG");
            await bad.SendAsync("BOGUS\r\n");
            await bad.ReadUntilClosedAsync();
        }

        await using (RawClient quitter = await RawClient.ConnectedAsync(server.Port, "{\"verbose\":false,\"name\":\"quitter\"}"))
        {
        }

        await using RawClient open = await RawClient.ConnectedAsync(server.Port);
        JsonElement closed = await Eventually.JsonAsync(http, "/connz?state=closed", c => c.GetProperty("total").GetInt32() == 2);
        var byName = closed.GetProperty("connections").EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal("Protocol Violation", byName["bad"].GetProperty("reason").GetString());
        Assert.Equal("Client Closed", byName["quitter"].GetProperty("reason").GetString());
        Assert.Matches(@"Z$", byName["bad"].GetProperty("stop").GetString());
        Assert.Equal(1, byName["bad"].GetProperty("subscriptions").GetInt32());

        // Closed subscriptions keep their account in the detail, as nats-server's do.
        JsonElement detail = (await http.JsonAsync("/connz?state=closed&subs=detail&sort=reason")).GetProperty("connections")[1];
        Assert.Equal("Protocol Violation", detail.GetProperty("reason").GetString());
        JsonElement sub = detail.GetProperty("subscriptions_list_detail")[0];
        Assert.Equal(("$G", "keep.me", "7"), (sub.GetProperty("account").GetString(), sub.GetProperty("subject").GetString(), sub.GetProperty("sid").GetString()));

        JsonElement all = await http.JsonAsync("/connz?state=ALL");
        Assert.Equal(3, all.GetProperty("total").GetInt32());
        Assert.Equal(3, all.GetProperty("num_connections").GetInt32());
        JsonElement openOnly = await http.JsonAsync("/connz");
        Assert.Equal(1, openOnly.GetProperty("total").GetInt32());
        Assert.False(openOnly.GetProperty("connections")[0].TryGetProperty("reason", out _));

        ulong badCid = byName["bad"].GetProperty("cid").GetUInt64();
        JsonElement byCid = await http.JsonAsync($"/connz?state=closed&cid={badCid}");
        Assert.Equal(badCid, byCid.GetProperty("connections")[0].GetProperty("cid").GetUInt64());
        JsonElement byStop = await http.JsonAsync("/connz?state=closed&sort=stop");
        Assert.Equal("quitter", byStop.GetProperty("connections")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("/connz?sort=bogus", "invalid sorting option: bogus")]
    [InlineData("/connz?sort=stop", "sort by stop only valid on closed connections")]
    [InlineData("/connz?sort=reason&state=all", "sort by reason only valid on closed connections")]
    [InlineData("/connz?limit=abc", "Error decoding int for 'limit': strconv.Atoi: parsing \"abc\": invalid syntax")]
    [InlineData("/connz?offset=1.5", "Error decoding int for 'offset': strconv.Atoi: parsing \"1.5\": invalid syntax")]
    [InlineData("/connz?cid=x", "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"x\": invalid syntax")]
    [InlineData("/connz?cid=-1", "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"-1\": invalid syntax")]
    [InlineData("/connz?subs=x", "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"x\": invalid syntax")]
    [InlineData("/connz?auth=yes", "Error decoding boolean for 'auth': strconv.ParseBool: parsing \"yes\": invalid syntax")]
    [InlineData("/connz?state=foo", "Error decoding state for foo")]
    [InlineData("/subsz?subs=maybe", "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"maybe\": invalid syntax")]
    [InlineData("/subsz?test=orders.*", "invalid test subject, must be valid publish subject: orders.*")]
    [InlineData("/subsz?limit=z", "Error decoding int for 'limit': strconv.Atoi: parsing \"z\": invalid syntax")]
    [InlineData("/accountz?acc=NOPE", "Account NOPE does not exist")]
    [InlineData("/healthz?js-enabled-only=2", "Error decoding boolean for 'js-enabled-only': strconv.ParseBool: parsing \"2\": invalid syntax")]
    [InlineData("/accstatz?unused=x", "Error decoding boolean for 'unused': strconv.ParseBool: parsing \"x\": invalid syntax")]
    [InlineData("/routez?subs=x", "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"x\": invalid syntax")]
    public async Task Bad_parameters_get_400_with_nats_server_text(string path, string message)
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        var (status, type, body) = await http.GetAsync(path);
        Assert.Equal((HttpStatusCode.BadRequest, "text/plain; charset=utf-8", message), (status, type, body));
    }

    [Fact]
    public async Task Subsz_reports_sublist_stats_and_filters_by_test_subject()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using RawClient c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB orders.* 1\r\nSUB orders.new workers 2\r\nSUB metrics 3\r\nPUB orders.new 1\r\nx\r\nPING\r\n");
        for (int i = 0; i < 4; i++)
        {
            await c.ReadLineAsync(); // two MSG lines and their payloads
        }

        await c.ExpectAsync("PONG");

        JsonElement stats = await http.JsonAsync("/subsz");
        Assert.Equal(3, stats.GetProperty("num_subscriptions").GetInt32());
        Assert.Equal(3, stats.GetProperty("num_inserts").GetInt64());
        Assert.Equal(0, stats.GetProperty("num_removes").GetInt64());
        Assert.True(stats.GetProperty("num_matches").GetInt64() >= 1);
        Assert.False(stats.TryGetProperty("server_id", out _)); // bare counters without subs=1
        Assert.Equal(stats.GetProperty("num_subscriptions").GetInt32(), (await http.JsonAsync("/subscriptionsz")).GetProperty("num_subscriptions").GetInt32());

        JsonElement list = await http.JsonAsync("/subsz?subs=1&test=orders.new");
        Assert.Equal(server.Server.ServerId, list.GetProperty("server_id").GetString());
        Assert.Equal(2, list.GetProperty("total").GetInt32());
        var subjects = list.GetProperty("subscriptions_list").EnumerateArray().Select(e => e.GetProperty("subject").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["orders.*", "orders.new"], subjects);
        JsonElement queued = list.GetProperty("subscriptions_list").EnumerateArray().Single(e => e.GetProperty("subject").GetString() == "orders.new");
        Assert.Equal(("$G", "workers", 1L), (queued.GetProperty("account").GetString(), queued.GetProperty("qgroup").GetString(), queued.GetProperty("msgs").GetInt64()));

        JsonElement page = await http.JsonAsync("/subsz?subs=1&offset=1&limit=1");
        Assert.Equal((1, 1, 1), (page.GetProperty("total").GetInt32(), page.GetProperty("offset").GetInt32(), page.GetProperty("limit").GetInt32()));

        JsonElement otherAccount = await http.JsonAsync("/subsz?acc=OTHER");
        Assert.Equal(0, otherAccount.GetProperty("num_subscriptions").GetInt32());

        // Go's encoder escapes '>' inside strings.
        await c.SendAsync("SUB a.> 9\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        var (_, _, raw) = await http.GetAsync("/subsz?subs=1&test=a.b");
        Assert.Contains("\"subject\": \"a.\\u003e\"", raw);
    }

    [Fact]
    public async Task Accountz_lists_the_global_account_and_its_details()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using RawClient c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB x 1\r\nPING\r\n");
        await c.ExpectAsync("PONG");

        JsonElement statz = (await http.JsonAsync("/accstatz")).GetProperty("account_statz")[0];
        Assert.Equal(("$G", 1, 1), (statz.GetProperty("acc").GetString(), statz.GetProperty("conns").GetInt32(), statz.GetProperty("total_conns").GetInt32()));
        Assert.Equal(0, statz.GetProperty("sent").GetProperty("msgs").GetInt64());

        JsonElement accounts = await http.JsonAsync("/accountz");
        Assert.Equal(["$G"], accounts.GetProperty("accounts").EnumerateArray().Select(e => e.GetString()));
        JsonElement detail = (await http.JsonAsync("/accountz?acc=$G")).GetProperty("account_detail");
        Assert.Equal("$G", detail.GetProperty("account_name").GetString());
        Assert.Equal(1, detail.GetProperty("client_connections").GetInt32());
        Assert.Equal(1, detail.GetProperty("subscriptions").GetInt32());
        Assert.Equal(1, detail.GetProperty("sublist_stats").GetProperty("num_subscriptions").GetInt32());
        Assert.True(detail.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Rtt_is_measured_from_the_first_server_ping()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        await using RawClient c = await RawClient.ConnectedAsync(server.Port);
        // The server PINGs about 2 s after CONNECT to measure the round trip.
        await c.ExpectAsync("PING", TimeSpan.FromSeconds(10));
        await c.SendAsync("PONG\r\n");
        JsonElement connz = await Eventually.JsonAsync(http, "/connz", z => z.GetProperty("connections")[0].GetProperty("rtt").GetString() != "0s");
        Assert.Matches(@"^\d+(\.\d+)?(µs|ms|ns)$", connz.GetProperty("connections")[0].GetProperty("rtt").GetString());
    }

    [Fact]
    public async Task Rtt_and_connect_fields_of_a_real_nats_client()
    {
        await using TestServer server = await StartAsync();
        using var http = new MonitorHttp(server.Server.MonitorPort);
        // NATS.Client 0.8.0 on purpose: the CONNECT fields it sends (lang, version 0.0.1) are asserted below.
        NATS.Client.Options options = NATS.Client.ConnectionFactory.GetDefaultOptions();
        options.Url = server.Url;
        options.Name = "real-client";
        using NATS.Client.IConnection c = new NATS.Client.ConnectionFactory().CreateConnection(options);

        // NATS.Client 0.8.0 buffers its PONG until it next writes, so keep it writing.
        JsonElement info = default;
        await Eventually.TrueAsync(
            async () =>
            {
                c.Flush();
                info = (await http.JsonAsync("/connz")).GetProperty("connections")[0];
                return info.GetProperty("rtt").GetString() != "0s";
            },
            "a measured rtt in /connz",
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(100));

        // A measured Go duration; on a loaded machine it may reach whole seconds.
        Assert.Matches(@"^\d+(\.\d+)?(ns|µs|ms|s)$", info.GetProperty("rtt").GetString());
        Assert.NotEqual("0s", info.GetProperty("rtt").GetString());
        Assert.Equal("real-client", info.GetProperty("name").GetString());
        Assert.Equal(".NET", info.GetProperty("lang").GetString());
        Assert.Equal("0.0.1", info.GetProperty("version").GetString()); // what NATS.Client 0.8.0 sends
    }

    [Fact]
    public async Task Base_path_moves_every_endpoint()
    {
        await using TestServer server = await StartAsync(o => o.HttpBasePath = "/nats");
        using var http = new MonitorHttp(server.Server.MonitorPort);
        Assert.Equal("/nats", (await http.JsonAsync("/nats/varz")).GetProperty("http_base_path").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/nats")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/varz")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/nats/")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/")).Status);
    }

    [Fact]
    public async Task Https_serves_with_the_configured_certificate_and_requires_one()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", key, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.HttpsPort = ServerOptions.RandomPort;
            o.HttpsCertificate = cert;
        });
        Assert.True(server.Server.MonitorIsHttps);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == cert.Thumbprint };
        using var https = new MonitorHttp(server.Server.MonitorPort, "https", handler);
        Assert.Equal(-1, (await https.JsonAsync("/varz")).GetProperty("https_port").GetInt32());

        var noCert = await Assert.ThrowsAsync<NatsServerException>(() => TestServer.StartAsync(o => o.HttpsPort = ServerOptions.RandomPort));
        Assert.Equal("Can't start monitoring: TLS cert and key required for HTTPS", noCert.Message);
        var both = await Assert.ThrowsAsync<NatsServerException>(() => TestServer.StartAsync(o => (o.HttpPort, o.HttpsPort) = (8222, 8223)));
        Assert.Equal("Can't start monitoring: can't specify both HTTP (8222) and HTTPs (8223) ports", both.Message);
    }

    [Fact]
    public async Task Https_monitoring_uses_the_tls_block_certificate()
    {
        var ca = Security.TestCertificates.CreateAuthority();
        var (certFile, keyFile) = ca.IssueServer("localhost");
        await using TestServer server = await TestServer.StartAsync(o =>
        {
            o.TlsCertFile = certFile;
            o.TlsKeyFile = keyFile;
            o.HttpsPort = ServerOptions.RandomPort;
        });
        Assert.True(server.Server.MonitorIsHttps);
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Issuer == ca.Ca.Subject };
        using var https = new MonitorHttp(server.Server.MonitorPort, "https", handler);
        Assert.Equal("ok", (await https.JsonAsync("/healthz")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_busy_monitor_port_fails_start_with_nats_server_text()
    {
        await using TestServer first = await StartAsync();
        int busy = first.Server.MonitorPort;
        var ex = await Assert.ThrowsAsync<NatsServerException>(() => TestServer.StartAsync(o => o.HttpPort = busy));
        Assert.Equal($"Can't start monitoring: can't listen to the monitor port: listen tcp 127.0.0.1:{busy}: bind: address already in use", ex.Message);
    }
}
