using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>The same security conversations against the real nats-server 2.9.10 and NatsSharp, compared line by line.</summary>
public class SecuritySideBySideTests
{
    [Fact]
    public async Task Plaintext_client_on_a_tls_port_sees_the_same_thing()
    {
        TestCertificates certs = TestCertificates.CreateAuthority();
        var (cert, key) = certs.IssueServer(rsa: true);
        string config = $"tls {{ cert_file: \"{cert}\", key_file: \"{key}\", timeout: 1 }}\n";
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);
        Assert.Equal(await PlaintextOnTls(real.Port), await PlaintextOnTls(ours.Port));
    }

    private static async Task<string> PlaintextOnTls(int port)
    {
        await using RawClient c = await RawClient.ConnectAsync(port);
        using JsonDocument info = JsonDocument.Parse(c.Info["INFO ".Length..]);
        bool tlsRequired = info.RootElement.GetProperty("tls_required").GetBoolean();
        await c.SendAsync("CONNECT {\"verbose\":false}\r\nPING\r\n");
        List<string> lines = await c.ReadUntilClosedAsync();
        return $"tls_required={tlsRequired} lines=[{string.Join("|", lines)}]";
    }

    [Fact]
    public async Task Nkey_handshake_gets_the_same_replies()
    {
        var (seed, pub) = Nkeys.CreateUser();
        var (otherSeed, _) = Nkeys.CreateUser();
        string config = $"authorization {{ users = [ {{ nkey: {pub}, permissions: {{ publish: \"ok\" }} }} ] }}\n";
        await using RealNatsServer real = await ConfiguredServer.StartRealAsync(config);
        await using NatsServer ours = await ConfiguredServer.StartAsync(config);
        foreach (string signer in new[] { seed, otherSeed })
        {
            Assert.Equal(await NkeyConversation(real.Port, signer, pub), await NkeyConversation(ours.Port, signer, pub));
        }
    }

    private static async Task<string> NkeyConversation(int port, string seed, string pub)
    {
        await using RawClient c = await RawClient.ConnectAsync(port);
        using JsonDocument info = JsonDocument.Parse(c.Info["INFO ".Length..]);
        string nonce = info.RootElement.GetProperty("nonce").GetString()!;
        string sig = Convert.ToBase64String(Nkeys.Sign(seed, Encoding.ASCII.GetBytes(nonce))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await c.SendAsync($"CONNECT {{\"verbose\":false,\"nkey\":\"{pub}\",\"sig\":\"{sig}\"}}\r\nPUB nope 1\r\nx\r\nPING\r\n");
        var lines = new List<string>();
        try
        {
            for (int i = 0; i < 10; i++)
            {
                string line = await c.ReadLineAsync();
                lines.Add(line);
                if (line == "PONG")
                {
                    break;
                }
            }
        }
        catch (Exception e) when (RawClient.IsClosedByServer(e))
        {
            lines.Add("<closed>");
        }

        return $"nonce length {nonce.Length}: {string.Join(" | ", lines)}";
    }
}
