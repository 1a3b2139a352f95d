using NatsSharp.Server.Configuration;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>Mapping keys (with aliases, any case) onto <see cref="ServerOptions"/> (config-language.md §7).</summary>
public sealed class ConfigBinderTests
{
    private static ServerOptions Options(string text) => Bind(text).Options;

    [Fact]
    public void EmptyFileKeepsEveryDefault()
    {
        ServerOptions o = Options("");
        var d = new ServerOptions();
        Assert.Equal(("0.0.0.0", 4222, "", ""), (o.Host, o.Port, o.ServerName, o.ClientAdvertise));
        Assert.Equal((1024 * 1024, 4096, 64 * 1024, 64L * 1024 * 1024, 0), (o.MaxPayload, o.MaxControlLine, o.MaxConnections, o.MaxPending, o.MaxSubscriptions));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2), 2), (o.WriteDeadline, o.PingInterval, o.PingMax));
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(10)), (o.LameDuckDuration, o.LameDuckGracePeriod));
        Assert.Equal((false, false, false, true), (o.Debug, o.Trace, o.TraceVerbose, o.Logtime));
        Assert.Equal(("", 0L, false, ""), (o.LogFile, o.LogSizeLimit, o.Syslog, o.RemoteSyslog));
        Assert.Equal(("", 0, 0, "/"), (o.HttpHost, o.HttpPort, o.HttpsPort, o.HttpBasePath));
        Assert.Equal(("", "", "", TimeSpan.FromSeconds(2)), (o.Username, o.Password, o.AuthToken, o.EffectiveAuthTimeout));
        Assert.Equal((false, false, 0), (o.NoHeaderSupport, o.DisableSublistCache, o.MaxTracedMsgLen));
        Assert.Equal(("", ""), (o.PidFile, o.PortsFileDir));
        Assert.Equal(d.MaxPayload, o.MaxPayload);
    }

    [Theory]
    [InlineData("listen: 127.0.0.1:4333", "127.0.0.1", 4333)]
    [InlineData("listen: \"127.0.0.1:4333\"", "127.0.0.1", 4333)]
    [InlineData("listen: 4333", "0.0.0.0", 4333)]
    [InlineData("listen: \":4333\"", "0.0.0.0", 4333)]
    [InlineData("listen: \"[::1]:4333\"", "::1", 4333)]
    [InlineData("listen: \"localhost:-1\"", "localhost", -1)]
    [InlineData("LISTEN: 10.0.0.1:1", "10.0.0.1", 1)]
    [InlineData("host: 127.0.0.1\nport: 4333", "127.0.0.1", 4333)]
    [InlineData("net: 127.0.0.1\nport: -1", "127.0.0.1", -1)]
    [InlineData("Host: h\nPort: 1", "h", 1)]
    public void ListenHostAndPort(string text, string host, int port)
    {
        ServerOptions o = Options(text);
        Assert.Equal((host, port), (o.Host, o.Port));
    }

    [Theory]
    [InlineData("listen: \"127.0.0.1\"", "t.conf:1:0: could not parse address string \"127.0.0.1\"")]
    [InlineData("listen: \"a:b\"", "t.conf:1:0: could not parse port \"b\"")]
    [InlineData("listen: \"a:b:1\"", "t.conf:1:0: could not parse address string \"a:b:1\"")]
    [InlineData("listen: true", "t.conf:1:0: expected port or host:port, got bool")]
    [InlineData("listen: {a: 1}", "t.conf:1:0: expected port or host:port, got map[string]interface {}")]
    [InlineData("http: \"localhost\"", "t.conf:1:0: could not parse address string \"localhost\"")]
    [InlineData("port: \"4333\"", "t.conf:1:0: interface conversion: interface {} is string, not int64")]
    [InlineData("port: 42.5", "t.conf:1:0: interface conversion: interface {} is float64, not int64")]
    [InlineData("port: 99999999999", "t.conf:1:0: port value is too big")]
    public void ListenErrors(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Theory]
    [InlineData("server_name: n1", "n1")]
    [InlineData("SERVER_NAME: \"my server\"", "my server")]
    public void ServerName(string text, string expected)
    {
        Assert.Equal(expected, Options(text).ServerName);
    }

    [Fact]
    public void ClientAdvertise()
    {
        Assert.Equal("example.com:4222", Options("client_advertise: \"example.com:4222\"").ClientAdvertise);
    }

    [Fact]
    public void LoggingFlags()
    {
        ServerOptions o = Options("debug: on\ntrace: true\nlogtime: FALSE\nsyslog: yes\n");
        Assert.Equal((true, true, false, true), (o.Debug, o.Trace, o.Logtime, o.Syslog));
    }

    [Fact]
    public void TraceVerboseAlsoSetsTrace()
    {
        ServerOptions o = Options("trace_verbose: true");
        Assert.True(o.TraceVerbose);
        Assert.True(o.Trace);
    }

    [Theory]
    [InlineData("log_file: /tmp/x.log")]
    [InlineData("logfile: /tmp/x.log")]
    [InlineData("LogFile: \"/tmp/x.log\"")]
    public void LogFileAliases(string text)
    {
        Assert.Equal("/tmp/x.log", Options(text).LogFile);
    }

    [Theory]
    [InlineData("log_size_limit: 1MB", 1_048_576L)]
    [InlineData("logfile_size_limit: 1000", 1000L)]
    public void LogSizeLimitAliases(string text, long expected)
    {
        Assert.Equal(expected, Options(text).LogSizeLimit);
    }

    [Fact]
    public void RemoteSyslog()
    {
        Assert.Equal("udp://127.0.0.1:514", Options("remote_syslog: \"udp://127.0.0.1:514\"").RemoteSyslog);
    }

    [Fact]
    public void LogFormatIsTextByDefaultAndTakesJson()
    {
        Assert.Equal("text", Options("").LogFormat);
        Assert.Equal("json", Options("log_format: json").LogFormat);
        var e = Assert.Throws<ConfigException>(() => Bind("log_format: xml\n"));
        Assert.Contains("invalid log_format \"xml\", must be \"text\" or \"json\"", e.Message);
    }

    [Theory]
    [InlineData("pid_file: /tmp/x.pid")]
    [InlineData("pidfile: /tmp/x.pid")]
    public void PidFileAliases(string text)
    {
        Assert.Equal("/tmp/x.pid", Options(text).PidFile);
    }

    [Fact]
    public void PortsFileDir()
    {
        Assert.Equal("/tmp", Options("ports_file_dir: /tmp").PortsFileDir);
    }

    [Theory]
    [InlineData("http: 8222", "", 8222, 0)]
    [InlineData("http: \"127.0.0.1:8222\"", "127.0.0.1", 8222, 0)]
    [InlineData("http: 127.0.0.1:8222", "127.0.0.1", 8222, 0)]
    [InlineData("http_port: 8222", "", 8222, 0)]
    [InlineData("monitor_port: 8222", "", 8222, 0)]
    [InlineData("https: \"0.0.0.0:8443\"", "0.0.0.0", 0, 8443)]
    [InlineData("https: 8443", "", 0, 8443)]
    [InlineData("https_port: 8443", "", 0, 8443)]
    [InlineData("http_port: -1", "", -1, 0)]
    public void Monitoring(string text, string host, int httpPort, int httpsPort)
    {
        ServerOptions o = Options(text);
        Assert.Equal((host, httpPort, httpsPort), (o.HttpHost, o.HttpPort, o.HttpsPort));
    }

    [Fact]
    public void HttpBasePath()
    {
        Assert.Equal("/nats", Options("http_port: 8222\nhttp_base_path: /nats").HttpBasePath);
    }

    [Theory]
    [InlineData("max_connections: 100", 100)]
    [InlineData("max_conn: 5", 5)]
    [InlineData("max_connections: -1", -1)]
    [InlineData("max_connections: 99999999999", int.MaxValue)] // nats-server accepts any 64-bit value
    public void MaxConnectionsAliases(string text, int expected)
    {
        Assert.Equal(expected, Options(text).MaxConnections);
    }

    [Theory]
    [InlineData("max_subscriptions: 7", 7)]
    [InlineData("max_subs: 5", 5)]
    public void MaxSubscriptionsAliases(string text, int expected)
    {
        Assert.Equal(expected, Options(text).MaxSubscriptions);
    }

    [Fact]
    public void SizeLimits()
    {
        ServerOptions o = Options("max_payload: 2MB\nmax_pending: 64mb\nmax_control_line: 4kb\nmax_traced_msg_len: 512\n");
        Assert.Equal((2_097_152, 67_108_864L, 4096, 512), (o.MaxPayload, o.MaxPending, o.MaxControlLine, o.MaxTracedMsgLen));
        Assert.Equal(2000, Options("max_payload: 2k").MaxPayload);
        Assert.Equal(1L << 40, Options("max_pending: 1TB").MaxPending);
    }

    [Theory]
    [InlineData("max_payload: 2GB", "t.conf:1:0: max_payload value is too big")]
    [InlineData("MAX_PAYLOAD: 3GB", "t.conf:1:0: MAX_PAYLOAD value is too big")]
    [InlineData("max_control_line: 4294967296", "t.conf:1:0: max_control_line value is too big")]
    [InlineData("max_payload: 2x", "t.conf:1:0: interface conversion: interface {} is string, not int64")]
    [InlineData("max_payload: \"2MB\"", "t.conf:1:0: interface conversion: interface {} is string, not int64")]
    [InlineData("max_pending: 1.5", "t.conf:1:0: interface conversion: interface {} is float64, not int64")]
    public void SizeErrors(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Fact]
    public void MaxPayloadAboveMaxPendingPassesTheMapper()
    {
        // nats-server only rejects this at start-up, not under -t.
        Assert.Null(Verdict("max_payload: 10MB\nmax_pending: 1MB\n"));
    }

    [Theory]
    [InlineData("ping_interval: \"30s\"", 30_000)]
    [InlineData("ping_interval: 30s", 30_000)]
    [InlineData("ping_interval: \"1m30s\"", 90_000)]
    [InlineData("ping_interval: \"500ms\"", 500)]
    [InlineData("ping_interval: \"2h\"", 7_200_000)]
    [InlineData("ping_interval: \"1.5s\"", 1500)]
    public void PingIntervalDurations(string text, int milliseconds)
    {
        ConfigLoadResult result = Bind(text);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), result.Options.PingInterval);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("ping_interval", 30)]
    [InlineData("write_deadline", 5)]
    public void IntegerDurationIsSecondsWithAWarning(string key, int seconds)
    {
        ConfigLoadResult result = Bind($"{key}: {seconds}\n");
        TimeSpan value = key == "ping_interval" ? result.Options.PingInterval : result.Options.WriteDeadline;
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
        Assert.Equal([$"t.conf:1:0: invalid use of field \"{key}\": {key} should be converted to a duration"], result.Warnings);
    }

    [Fact]
    public void WarningsComeBeforeErrors()
    {
        Assert.Equal(
            "t.conf:3:1: invalid use of field \"ping_interval\": ping_interval should be converted to a duration\n"
            + "t.conf:1:0: error parsing write_deadline: time: unknown unit \"x\" in duration \"5x\"\n"
            + "t.conf:2:1: unknown field \"foo\"",
            Verdict("write_deadline: \"5x\"\nfoo: bar\nping_interval: 3\n"));
    }

    [Fact]
    public void ErrorsCarryWarningsSeparately()
    {
        var e = Assert.Throws<ConfigException>(() => Bind("ping_interval: 3\nfoo: 1\n"));
        Assert.Equal(["t.conf:2:1: unknown field \"foo\""], e.Errors);
        Assert.Single(e.Warnings);
    }

    [Theory]
    [InlineData("ping_interval: \"30x\"", "t.conf:1:0: error parsing ping_interval: time: unknown unit \"x\" in duration \"30x\"")]
    [InlineData("ping_interval: \"\"", "t.conf:1:0: error parsing ping_interval: time: invalid duration \"\"")]
    [InlineData("ping_interval: \"1.5.s\"", "t.conf:1:0: error parsing ping_interval: time: missing unit in duration \"1.5.s\"")]
    [InlineData("ping_interval: true", "t.conf:1:0: invalid use of field \"ping_interval\": ping_interval should be converted to a duration\nt.conf:1:0: interface conversion: interface {} is bool, not int64")]
    [InlineData("write_deadline: \"5x\"", "t.conf:1:0: error parsing write_deadline: time: unknown unit \"x\" in duration \"5x\"")]
    public void DurationErrors(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Fact]
    public void PingMaxAndWriteDeadline()
    {
        ServerOptions o = Options("ping_max: 3\nwrite_deadline: \"5s\"\n");
        Assert.Equal((3, TimeSpan.FromSeconds(5)), (o.PingMax, o.WriteDeadline));
    }

    [Fact]
    public void LameDuck()
    {
        ServerOptions o = Options("lame_duck_duration: \"90s\"\nlame_duck_grace_period: \"5s\"\n");
        Assert.Equal((TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5)), (o.LameDuckDuration, o.LameDuckGracePeriod));
        Assert.Equal(TimeSpan.Zero, Options("lame_duck_grace_period: \"0s\"").LameDuckGracePeriod);
    }

    [Theory]
    [InlineData("lame_duck_duration: \"10s\"", "t.conf:1:0: invalid lame_duck_duration of 10s, minimum is 30 seconds")]
    [InlineData("lame_duck_duration: \"29.5s\"", "t.conf:1:0: invalid lame_duck_duration of 29.5s, minimum is 30 seconds")]
    [InlineData("lame_duck_duration: \"-1h\"", "t.conf:1:0: invalid lame_duck_duration of -1h0m0s, minimum is 30 seconds")]
    [InlineData("lame_duck_duration: 60", "t.conf:1:0: interface conversion: interface {} is int64, not string")]
    [InlineData("lame_duck_duration: \"x\"", "t.conf:1:0: error parsing lame_duck_duration: time: invalid duration \"x\"")]
    [InlineData("lame_duck_grace_period: \"-1s\"", "t.conf:1:0: invalid lame_duck_grace_period, needs to be positive")]
    [InlineData("lame_duck_grace_period: 10", "t.conf:1:0: interface conversion: interface {} is int64, not string")]
    public void LameDuckErrors(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Theory]
    [InlineData("no_header_support: true")]
    [InlineData("NO_HEADER_SUPPORT: yes")]
    public void NoHeaderSupport(string text)
    {
        Assert.True(Options(text).NoHeaderSupport);
    }

    [Theory]
    [InlineData("disable_sublist_cache: true")]
    [InlineData("no_sublist_cache: on")]
    public void DisableSublistCacheAliases(string text)
    {
        Assert.True(Options(text).DisableSublistCache);
    }

    [Theory]
    [InlineData("debug: maybe", "t.conf:1:0: interface conversion: interface {} is string, not bool")]
    [InlineData("debug: \"true\"", "t.conf:1:0: interface conversion: interface {} is string, not bool")]
    [InlineData("logtime: 0", "t.conf:1:0: interface conversion: interface {} is int64, not bool")]
    [InlineData("server_name: 42", "t.conf:1:0: interface conversion: interface {} is int64, not string")]
    [InlineData("server_name: 2023-01-01T00:00:00Z", "t.conf:1:0: interface conversion: interface {} is time.Time, not string")]
    [InlineData("server_name: [a]", "t.conf:1:0: interface conversion: interface {} is []interface {}, not string")]
    [InlineData("pid_file: {a: 1}", "t.conf:1:0: interface conversion: interface {} is map[string]interface {}, not string")]
    public void TypeErrors(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Theory]
    [InlineData("authorization { user: a, password: b }", "a", "b", "")]
    [InlineData("authorization { username: a, pass: b }", "a", "b", "")]
    [InlineData("AUTHORIZATION { USER: a, PASSWORD: b }", "a", "b", "")]
    [InlineData("authorization { token: s3cr3t }", "", "", "s3cr3t")]
    [InlineData("authorization { user: a, password: $2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG }", "a", "$2a$11$W2zko751KUvVy59mUTWmpOdWjpEm5qhcCZRd05GjI/sSOT.xtiHyG", "")]
    public void AuthorizationSingleUserOrToken(string text, string user, string password, string token)
    {
        ServerOptions o = Options(text);
        Assert.Equal((user, password, token), (o.Username, o.Password, o.AuthToken));
    }

    [Theory]
    [InlineData("authorization { user: a, timeout: 5 }", 5000)]
    [InlineData("authorization { user: a, timeout: 0.5 }", 500)]
    [InlineData("authorization { user: a, timeout: \"2s\" }", 1000)] // nats-server silently reads a string as 1 s
    [InlineData("authorization { user: a }", 2000)]
    [InlineData("authorization { user: a, timeout: 0 }", 2000)]
    public void AuthorizationTimeout(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Options(text).EffectiveAuthTimeout);
    }

    [Theory]
    [InlineData(0, 2, 3000)]
    [InlineData(0, 5, 6000)]
    [InlineData(1, 2, 1000)]
    public void AuthorizationTimeoutDefaultsToTheTlsTimeoutPlusOneSecondWithTls(int authSeconds, int tlsSeconds, int milliseconds)
    {
        // nats-server's getDefaultAuthTimeout: with TLS the client has the handshake's time + 1s; /varz shows it.
        var o = new ServerOptions { TlsCertFile = "c.pem", TlsKeyFile = "k.pem", TlsTimeout = TimeSpan.FromSeconds(tlsSeconds), AuthTimeout = TimeSpan.FromSeconds(authSeconds) };
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), o.EffectiveAuthTimeout);
    }

    [Fact]
    public void AuthorizationUsersAndPermissionsAreAcceptedButNotBound()
    {
        ServerOptions o = Options("authorization { users: [{user: a, password: b, permissions: {publish: \"x\"}}], default_permissions: {} }");
        Assert.Equal("", o.Username);
    }

    [Theory]
    [InlineData("authorization { user: a, password: b, foo: 1 }", "t.conf:1:38: unknown field \"foo\"")]
    [InlineData("authorization { user: a, password: b, token: c }", "t.conf:1:0: Cannot have a user/pass and token")]
    [InlineData("authorization { user: a, password: b, users: [{user: c, password: d}] }", "t.conf:1:0: Can not have a single user/pass and a users array")]
    [InlineData("authorization { token: a, users: [] }", "t.conf:1:0: Can not have a token and a users array")]
    [InlineData("authorization { user: a, users: 5 }", "t.conf:1:25: Expected users field to be an array, got 5")]
    [InlineData("authorization { user: 1 }", "t.conf:1:16: interface conversion: interface {} is int64, not string\nt.conf:1:0: runtime error: invalid memory address or nil pointer dereference")]
    [InlineData("authorization: 5", "t.conf:1:0: interface conversion: interface {} is int64, not map[string]interface {}\nt.conf:1:0: runtime error: invalid memory address or nil pointer dereference")]
    [InlineData("X: 5\nauthorization { Q: 1, timeout: $Q }", "t.conf:1:0: unknown field \"X\"")]
    public void AuthorizationErrors(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Theory]
    [InlineData("foo: bar", "t.conf:1:0: unknown field \"foo\"")]
    [InlineData("max_pending_size: 1", "t.conf:1:0: unknown field \"max_pending_size\"")]
    [InlineData("V: 1\nserver_name: \"$V\"", "t.conf:1:0: unknown field \"V\"")]
    [InlineData("\"q k\": 1", "t.conf:1:1: unknown field \"q k\"")]
    [InlineData("\"a\\tb\": 1", "t.conf:1:1: unknown field \"a\\\\tb\"")]
    public void UnknownFields(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Fact]
    public void KeyUsedAsAVariableIsNotAnUnknownField()
    {
        Assert.Equal(4333, Options("PORT_VAR: 4333\nport: $PORT_VAR\n").Port);
    }

    [Fact]
    public void AllErrorsAreReportedInFileOrder()
    {
        Assert.Equal(
            "t.conf:1:0: unknown field \"foo\"\nt.conf:2:1: interface conversion: interface {} is string, not int64\nt.conf:3:1: unknown field \"bar\"",
            Verdict("foo: 1\nport: \"x\"\nbar: 2\n"));
    }

    [Theory]
    [InlineData("gateway { name: g, listen: 127.0.0.1:7222 }")]
    [InlineData("system_account: SYS\nsystem: SYS2")]
    [InlineData("no_system_account: true\nno_system: true\nno_sys_acc: true")]
    [InlineData("mqtt { port: 1883 }")]
    [InlineData("connect_error_reports: 10\nreconnect_error_reports: 5")]
    [InlineData("max_sub_tokens: 16\nmax_subscription_tokens: 255")]
    [InlineData("prof_port: 6060")]
    [InlineData("ocsp: false\noperator: x.jwt\nresolver: MEMORY\ntrusted: []\nresolver_preload: {}\ndefault_js_domain: {}")]
    public void FeaturesNotBuiltYetAreAccepted(string text)
    {
        ConfigLoadResult result = Bind(text);
        Assert.Empty(result.Warnings);
        foreach (string key in result.Tree.Root.Keys)
        {
            Assert.True(ConfigBinder.UnboundKeys.Contains(key), key);
        }
    }

    [Theory]
    [InlineData("server_tags: [\"A:1\", \" b \", \"a:1\", \"\"]", new[] { "a:1", "b" })]
    [InlineData("server_tags: \"Region:East\"", new[] { "region:east" })]
    public void Server_tags_are_kept_lower_cased_trimmed_and_once_each(string text, string[] expected)
    {
        Assert.Equal(expected, Options(text).ServerTags);
    }

    [Fact]
    public void A_tls_block_without_a_certificate_and_allow_non_tls_are_bound()
    {
        ServerOptions o = Bind("tls { timeout: 3 }\nallow_non_tls: true\n").Options;
        Assert.True(o.TlsWithoutCertificate);
        Assert.True(o.TlsEnabled);
        Assert.True(o.AllowNonTls);
        Assert.Equal(TimeSpan.FromSeconds(3), o.TlsTimeout);
        Assert.False(Bind("port: 1\n").Options.TlsEnabled);
    }

    [Theory]
    [InlineData("system_account: 1", "t.conf:1:0: system account name must be a string")]
    [InlineData("system: 1", "t.conf:1:0: system account name must be a string")]
    [InlineData("max_sub_tokens: 300", "t.conf:1:0: max_sub_tokens value is too big")]
    [InlineData("max_sub_tokens: 0", "t.conf:1:0: max_sub_tokens value can not be negative")]
    [InlineData("no_auth_user: 5", "t.conf:1:0: interface conversion: interface {} is int64, not string")]
    [InlineData("allow_non_tls: 1", "t.conf:1:0: interface conversion: interface {} is int64, not bool")]
    [InlineData("connect_error_reports: \"x\"", "t.conf:1:0: interface conversion: interface {} is string, not int64")]
    [InlineData("server_tags: [a, 1 ]", "t.conf:1:0: error parsing tags: unsupported type *conf.token where string is expected")]
    [InlineData("server_tags: 5", "t.conf:1:0: error parsing tags: unsupported type int64")]
    public void UnboundScalarsAreStillTypeChecked(string text, string message)
    {
        Assert.Equal(message, Verdict(text));
    }

    [Fact]
    public void ApplyDoesNotTouchTheBaseline()
    {
        var baseline = new ServerOptions { Port = 1111, ServerName = "before" };
        ConfigLoadResult result = ConfigBinder.Apply(Parse("port: 2222\nserver_name: after\n"), baseline);
        Assert.Equal((1111, "before"), (baseline.Port, baseline.ServerName));
        Assert.Equal((2222, "after"), (result.Options.Port, result.Options.ServerName));
    }

    [Fact]
    public void ApplyKeepsBaselineValuesTheFileDoesNotSet()
    {
        var baseline = new ServerOptions { Debug = true, MaxPayload = 1234 };
        ServerOptions o = ConfigBinder.Apply(Parse("port: 2222\n"), baseline).Options;
        Assert.Equal((true, 1234, 2222), (o.Debug, o.MaxPayload, o.Port));
    }

    [Fact]
    public void BadFileLeavesTheBaselineUntouched()
    {
        var baseline = new ServerOptions { Port = 1111 };
        Assert.Throws<ConfigException>(() => ConfigBinder.Apply(Parse("port: 2222\nfoo: 1\n"), baseline));
        Assert.Equal(1111, baseline.Port);
    }

    [Fact]
    public void LoadRecordsTheConfigFile()
    {
        using var dir = new TempConfigDir();
        string file = dir.Write("n.conf", "port: 4333\n");
        ConfigLoadResult result = ConfigBinder.Load(file);
        Assert.Equal((4333, file), (result.Options.Port, result.Options.ConfigFile));
        Assert.Equal(file, result.Tree.File);
    }

    [Fact]
    public void CheckReturnsNullForAValidFileAndTheMessageOtherwise()
    {
        using var dir = new TempConfigDir();
        string good = dir.Write("good.conf", "port: 4333\n");
        string warn = dir.Write("warn.conf", "ping_interval: 30\n");
        Assert.Null(ConfigBinder.Check(good));
        Assert.Equal($"{warn}:1:0: invalid use of field \"ping_interval\": ping_interval should be converted to a duration", ConfigBinder.Check(warn));
        Assert.Equal("open /nonexistent.conf: no such file or directory", ConfigBinder.Check("/nonexistent.conf"));
    }
}
