using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.LeafNodes;
using static NatsSharp.Server.Tests.Configuration.ConfigTestSupport;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>Leafnode transport keys: <c>tls</c> (hub and remote), <c>credentials</c>, <c>ws_*</c>, URL schemes.</summary>
public sealed class ConfigLeafNodeTransportTests : IDisposable
{
    private readonly TempConfigDir _dir = new();
    private readonly string _cert;
    private readonly string _key;
    private readonly string _ca;

    public ConfigLeafNodeTransportTests()
    {
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", ec, HashAlgorithmName.SHA256);
        using X509Certificate2 self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        _cert = _dir.Write("cert.pem", self.ExportCertificatePem());
        _key = _dir.Write("key.pem", ec.ExportPkcs8PrivateKeyPem());
        _ca = _cert;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Hub_tls_binds_every_key()
    {
        LeafNodeOptions leaf = Bind($$"""
            leafnodes {
              listen: 127.0.0.1:7422
              tls {
                cert_file: "{{_cert}}"
                key_file: "{{_key}}"
                ca_file: "{{_ca}}"
                verify: true
                timeout: 3
                cipher_suites: [ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" ]
                handshake_first: true
              }
            }
            """).Options.LeafNodes!;
        TlsOptions tls = Assert.IsType<TlsOptions>(leaf.Tls);
        Assert.Equal(_cert, tls.CertFile);
        Assert.Equal(_key, tls.KeyFile);
        Assert.Equal(_ca, tls.CaFile);
        Assert.True(tls.Verify);
        Assert.True(tls.HandshakeFirst);
        Assert.Equal(TimeSpan.FromSeconds(3), tls.Timeout);
        Assert.Equal(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], tls.CipherSuites);
        Assert.Equal(TimeSpan.FromSeconds(4), leaf.AuthTimeout); // nats-server: TLS timeout + 1 s unless set
        Assert.Equal(TimeSpan.FromSeconds(1), Bind($$"""leafnodes { listen: 127.0.0.1:7422, authorization { timeout: 1 }, tls { cert_file: "{{_cert}}", key_file: "{{_key}}" } }""").Options.LeafNodes!.AuthTimeout);
    }

    [Fact]
    public void Remote_transport_keys_bind()
    {
        LeafNodeOptions leaf = Bind($$"""
            leafnodes {
              remotes = [
                {
                  urls: [ "wss://hub1.example.com:443", "wss://hub2.example.com" ]
                  tls { ca_file: "{{_ca}}", insecure: true, handshake_first: "on" }
                  credentials: "/etc/leaf/user.creds"
                  ws_compression: true
                  ws_no_masking: true
                }
                { url: "tls://hub.example.com:7422", tls { cert_file: "{{_cert}}", key_file: "{{_key}}" }, creds: "~/u.creds" }
              ]
            }
            """).Options.LeafNodes!;
        LeafRemote ws = leaf.Remotes[0];
        Assert.True(ws.IsWebSocket);
        Assert.Equal(_ca, ws.Tls!.CaFile);
        Assert.False(ws.Tls.HasCertificate);
        Assert.True(ws.Tls.Insecure);
        Assert.True(ws.Tls.HandshakeFirst);
        Assert.Equal(TlsOptions.DefaultTimeout, ws.Tls.Timeout);
        Assert.Equal("/etc/leaf/user.creds", ws.Credentials);
        Assert.True(ws.WebSocketCompression);
        Assert.True(ws.WebSocketNoMasking);
        Assert.Equal(443, LeafDialer.PortOf(ws.Urls[1])); // wss without a port: the HTTPS port

        LeafRemote plain = leaf.Remotes[1];
        Assert.False(plain.IsWebSocket);
        Assert.True(plain.Tls!.HasCertificate);
        Assert.True(plain.RequiresTls(plain.Urls[0]));
        Assert.Equal(Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "/u.creds"), plain.Credentials);
        Assert.Equal("", plain.Tls.CaFile);
    }

    [Fact]
    public void Tls_url_or_block_requires_tls_a_bare_url_does_not()
    {
        LeafNodeOptions leaf = Bind("""leafnodes { remotes = [ { url: "tls://h:1" }, { url: "nats-leaf://h:2" }, { url: "h:3" } ] }""").Options.LeafNodes!;
        Assert.True(leaf.Remotes[0].RequiresTls(leaf.Remotes[0].Urls[0]));
        Assert.False(leaf.Remotes[1].RequiresTls(leaf.Remotes[1].Urls[0]));
        Assert.Equal(7422, LeafDialer.PortOf(new Uri("nats-leaf://h")));
        Assert.Equal(3, LeafDialer.PortOf(leaf.Remotes[2].Urls[0]));
    }

    [Fact]
    public void Websocket_and_other_urls_cannot_be_mixed()
    {
        Assert.Equal(
            "t.conf:1:26: remote leaf node configuration cannot have a mix of websocket and non-websocket urls: [\"ws://127.0.0.1:1\" \"nats-leaf://u:xxxxx@127.0.0.1:2\"]",
            Verdict("""leafnodes { remotes = [ { urls: [ "ws://127.0.0.1:1", "nats-leaf://u:p@127.0.0.1:2" ] } ] }"""));
        Assert.Null(Verdict("""leafnodes { remotes = [ { urls: [ "ws://127.0.0.1:1", "wss://127.0.0.1:2" ] } ] }"""));
    }

    [Fact]
    public void Unknown_url_schemes_are_refused()
    {
        Assert.Equal(
            "t.conf:1:26: unsupported leafnode url scheme \"http\" in \"http://u:xxxxx@h:1\" (use nats-leaf://, tls://, ws:// or wss://)",
            Verdict("""leafnodes { remotes = [ { url: "http://u:p@h:1" } ] }"""));
    }

    [Fact]
    public void Type_errors_name_their_position_as_nats_server()
    {
        Assert.Equal("t.conf:1:51: interface conversion: interface {} is string, not bool",
            Verdict("""leafnodes { remotes = [ { url: "ws://127.0.0.1:2", ws_compression: "x" } ] }"""));
        Assert.Equal("t.conf:1:38: interface conversion: interface {} is int64, not string",
            Verdict("""leafnodes { remotes = [ { url: "h:1", credentials: 5 } ] }"""));
        Assert.Equal("t.conf:1:44: error parsing tls config, expected 'insecure' to be a boolean",
            Verdict("""leafnodes { remotes = [ { url: "h:1", tls { insecure: 1 } } ] }"""));
        Assert.Equal("t.conf:1:44: field \"handshake_first\" should be a boolean or string, got int64",
            Verdict("""leafnodes { remotes = [ { url: "h:1", tls { handshake_first: 1 } } ] }"""));
        Assert.StartsWith("t.conf:1:44: field \"handshake_first\" value \"auto\" is invalid",
            Verdict("""leafnodes { remotes = [ { url: "h:1", tls { handshake_first: auto } } ] }"""));
        Assert.Equal("t.conf:1:44: error parsing tls config, unknown field [\"bogus\"]",
            Verdict("""leafnodes { remotes = [ { url: "h:1", tls { bogus: 1 } } ] }"""));
    }

    [Fact]
    public void Tls_file_errors_name_the_block()
    {
        Assert.Equal("t.conf:1:38: open /nonexistent/ca.pem: no such file or directory",
            Verdict("""leafnodes { remotes = [ { url: "h:1", tls { ca_file: "/nonexistent/ca.pem" } } ] }"""));
        Assert.Equal("t.conf:1:38: missing 'key_file' in TLS configuration",
            Verdict($$"""leafnodes { remotes = [ { url: "h:1", tls { cert_file: "{{_cert}}" } } ] }"""));
    }

    [Fact]
    public void A_hub_listener_needs_a_certificate()
    {
        Assert.Equal("t.conf:1:36: leafnode tls: 'cert_file' and 'key_file' are required to accept leafnode connections",
            Verdict($$"""leafnodes { listen: 127.0.0.1:7422, tls { ca_file: "{{_ca}}", verify: true } }"""));
        // Without a listener the block is unused and accepted, as nats-server does.
        Assert.Null(Verdict($$"""leafnodes { tls { ca_file: "{{_ca}}" } }"""));
    }
}
