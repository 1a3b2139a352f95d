using NatsSharp.Server.Reload;
using NatsSharp.Server.WebSocket;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>The <c>websocket { }</c> block (alias <c>ws</c>): keys, nats-server's texts, the reload verdict.</summary>
public sealed class ConfigWebSocketTests
{
    [Fact]
    public void Every_bound_key_lands_in_the_options()
    {
        WebSocketOptions ws = Bind("""
            ws {
              listen: "127.0.0.1:8443"
              advertise: "ws.example.com:443"
              no_tls: true
              compression: true
              same_origin: true
              allowed_origins: [ "https://app.example.com", "http://localhost:3000" ]
              handshake_timeout: "2s"
            }
            """).Options.WebSocket!;
        Assert.Equal("127.0.0.1", ws.Host);
        Assert.Equal(8443, ws.Port);
        Assert.Equal("ws.example.com:443", ws.Advertise);
        Assert.True(ws.NoTls);
        Assert.True(ws.Compression);
        Assert.True(ws.SameOrigin);
        Assert.Equal(["https://app.example.com", "http://localhost:3000"], ws.AllowedOrigins);
        Assert.Equal(TimeSpan.FromSeconds(2), ws.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), Bind("websocket { port: 1, no_tls: true, handshake_timeout: 5 }").Options.WebSocket!.HandshakeTimeout);
        Assert.Equal("0.0.0.0", Bind("websocket { port: 1, no_tls: true }").Options.WebSocket!.Host);
    }

    [Fact]
    public void Errors_carry_the_position_and_nats_servers_words()
    {
        Assert.Null(Verdict("websocket { port: 8080 }")); // no TLS: refused at start, as nats-server (its -t passes)
        Assert.Equal("t.conf:1:38: unknown field \"bogus\"", Verdict("websocket { port: 8080, no_tls: true, bogus: 1 }"));
        Assert.Equal("t.conf:1:0: Expected websocket to be a map, got int64", Verdict("websocket: 1"));
        Assert.Equal("t.conf:1:35: error parsing handshake timeout: unsupported type bool", Verdict("websocket { port: 1, no_tls: true, handshake_timeout: true }"));
    }

    [Fact]
    public void Authorization_override_binds_and_jwt_cookie_is_refused_not_ignored()
    {
        WebSocketOptions ws = Bind("websocket { port: 1, no_tls: true, no_auth_user: u, authorization { user: a, password: b, token: t, timeout: 3 } }").Options.WebSocket!;
        Assert.Equal(("a", "b", "t", "u", TimeSpan.FromSeconds(3)), (ws.Username, ws.Password, ws.Token, ws.NoAuthUser, ws.AuthTimeout));
        Assert.True(ws.HasAuthOverride);
        string? verdict = Verdict("websocket { port: 1, no_tls: true, jwt_cookie: jwt }");
        Assert.Equal("t.conf:1:35: websocket jwt_cookie is not supported by NatsSharp yet", verdict);
    }

    [Fact]
    public void Reload_refuses_any_websocket_change()
    {
        ServerOptions before = Bind("websocket { port: 8080, no_tls: true }").Options;
        ServerOptions same = Bind("websocket { port: 8080, no_tls: true }").Options;
        OptionsDiff.Compute(before, same);
        ServerOptions changed = Bind("websocket { port: 8080, no_tls: true, same_origin: true }").Options;
        var ex = Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(before, changed));
        Assert.StartsWith("config reload not supported for Websocket", ex.Message, StringComparison.Ordinal);
        Assert.Throws<NatsServerException>(() => OptionsDiff.Compute(new ServerOptions(), before));
    }

    [Theory]
    [InlineData(false, null, null)]
    [InlineData(false, "http://other:80", null)]
    [InlineData(true, null, null)]
    [InlineData(true, "http://127.0.0.1:8080", null)]
    [InlineData(true, "http://127.0.0.1", "not same origin")]
    [InlineData(true, "https://127.0.0.1:8080", null)]
    public void Same_origin_compares_host_and_port_with_the_request(bool sameOrigin, string? origin, string? error)
    {
        var origins = new WebSocketOrigins(new WebSocketOptions { SameOrigin = sameOrigin });
        Assert.Equal(error, origins.Check(origin, "127.0.0.1:8080", tls: false));
    }

    [Fact]
    public void Allowed_origins_match_scheme_host_and_default_port()
    {
        var origins = new WebSocketOrigins(new WebSocketOptions { AllowedOrigins = ["https://App.example.com", "http://localhost:3000"] });
        Assert.Null(origins.Check("https://app.example.com:443", "x", tls: false));
        Assert.Null(origins.Check("http://localhost:3000", "x", tls: false));
        Assert.Equal("not in the allowed list", origins.Check("http://app.example.com", "x", tls: false));
        Assert.Equal("not in the allowed list", origins.Check("http://localhost:3001", "x", tls: false));
        Assert.Null(origins.Check(null, "x", tls: false)); // no Origin header: not a browser
    }
}
