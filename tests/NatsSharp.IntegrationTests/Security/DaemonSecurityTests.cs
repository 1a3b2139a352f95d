using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>The daemon's security flags: --tls*, --user/--pass with a bcrypt hash, and the mkpasswd helper.</summary>
public class DaemonSecurityTests
{
    [Fact]
    public async Task Mkpasswd_prints_a_random_password_and_its_bcrypt_hash()
    {
        var (code, stdout, _) = await DaemonProcess.RunAsync("mkpasswd", "-c", "4");
        Assert.Equal(0, code);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("pass: ", lines[0]);
        Assert.StartsWith("bcrypt hash: $2a$04$", lines[1]);
        string pass = lines[0]["pass: ".Length..];
        string hash = lines[1]["bcrypt hash: ".Length..];
        Assert.Equal(22, pass.Length);
        Assert.True(Bcrypt.Verify(hash, pass));
        Assert.False(Bcrypt.Verify(hash, pass + "x"));
    }

    [Fact]
    public async Task Mkpasswd_rejects_a_cost_out_of_range()
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("mkpasswd", "-c", "40");
        Assert.Equal(2, code);
        Assert.Contains("cost 40 is outside the range 4-31", stderr);
    }

    [Fact]
    public async Task Tls_flag_without_a_certificate_is_refused()
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("-a", "127.0.0.1", "-p", "-1", "--tls");
        Assert.Equal(1, code);
        Assert.Contains("natssharp: TLS Server certificate must be present and valid", stderr);
        (code, _, stderr) = await DaemonProcess.RunAsync("-a", "127.0.0.1", "-p", "-1", "--tlscert", "/nonexistent.pem");
        Assert.Equal(1, code);
        Assert.Contains("natssharp: TLS Server private key must be present and valid", stderr);
    }

    [Fact]
    public async Task Tls_flags_and_bcrypt_user_flags_run_a_secured_daemon()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer();
        string hash = Bcrypt.Hash("pw", 4);
        string dir = Directory.CreateTempSubdirectory("natssharp-daemon-tls-").FullName;
        await using DaemonProcess d = DaemonProcess.Start(
            "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir,
            "--tlscert", cert, "--tlskey", key, "--user", "admin", "--pass", hash);
        string portsFile = Path.Combine(dir, $"natssharp_{d.Pid}.ports");
        await Eventually.TrueAsync(() => File.Exists(portsFile), "the ports file", TimeSpan.FromSeconds(15));
        int port;
        using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile)))
        {
            port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
        }

        await using (TlsClient ok = await TlsClient.ConnectAsync(port, certs.Ca))
        {
            Assert.Contains("\"auth_required\":true", ok.Info);
            Assert.Contains("\"tls_required\":true", ok.Info);
            await ok.SendAsync("CONNECT {\"verbose\":false,\"user\":\"admin\",\"pass\":\"pw\"}\r\nPING\r\n");
            Assert.Equal("PONG", await ok.ReadLineAsync());
        }

        await using (TlsClient bad = await TlsClient.ConnectAsync(port, certs.Ca))
        {
            await bad.SendAsync("CONNECT {\"verbose\":false,\"user\":\"admin\",\"pass\":\"nope\"}\r\nPING\r\n");
            Assert.Equal("-ERR 'Authorization Violation'", await bad.ReadLineAsync());
        }

        Assert.DoesNotContain("nope", d.Stderr);
        Assert.DoesNotContain(hash, d.Stderr);
    }

    [Fact]
    public async Task Refused_users_and_violations_are_logged_as_nats_server_does_without_passwords()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-daemon-auth-").FullName;
        string conf = Path.Combine(dir, "auth.conf");
        await File.WriteAllTextAsync(conf, "authorization { users = [ { user: bob, password: topsecret, permissions: { publish: \"ok\", subscribe: \"ok\" } } ] }\n");
        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        string portsFile = Path.Combine(dir, $"natssharp_{d.Pid}.ports");
        await Eventually.TrueAsync(() => File.Exists(portsFile), "the ports file", TimeSpan.FromSeconds(15));
        int port;
        using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile)))
        {
            port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
        }

        await using (RawClient bad = await RawClient.ConnectAsync(port))
        {
            await bad.SendAsync("CONNECT {\"user\":\"bob\",\"pass\":\"wrongsecret\"}\r\n");
            Assert.Equal(["-ERR 'Authorization Violation'"], await bad.ReadUntilClosedAsync());
        }

        await using (RawClient bob = await RawClient.ConnectedAsync(port, """{"verbose":false,"user":"bob","pass":"topsecret"}"""))
        {
            await bob.SendAsync("PUB nope 1\r\nx\r\nSUB x 7\r\nPING\r\n");
            await bob.ExpectAsync("-ERR 'Permissions Violation for Publish to \"nope\"'");
            await bob.ExpectAsync("-ERR 'Permissions Violation for Subscription to \"x\"'");
            await bob.ExpectAsync("PONG");
        }

        await Eventually.TrueAsync(() => d.Stderr.Contains("Subscription Violation", StringComparison.Ordinal), "the violation logs", TimeSpan.FromSeconds(10));
        Assert.Matches(@"\[ERR\] 127\.0\.0\.1:\d+ - cid:\d+ - authentication error - User ""bob""", d.Stderr);
        Assert.Matches(@"\[ERR\] 127\.0\.0\.1:\d+ - cid:\d+ - Publish Violation - User ""bob"", Subject ""nope""", d.Stderr);
        Assert.Matches(@"\[ERR\] 127\.0\.0\.1:\d+ - cid:\d+ - Subscription Violation - User ""bob"", Subject ""x"", SID 7", d.Stderr);
        Assert.DoesNotContain("topsecret", d.Stderr);
        Assert.DoesNotContain("wrongsecret", d.Stderr);
    }
}
