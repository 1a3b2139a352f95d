using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server.Auth;
using NatsSharp.Server.LeafNodes;

namespace NatsSharp.IntegrationTests;

/// <summary>A remote's <c>credentials</c> file: JWT and nonce signature in the leaf CONNECT, against a real operator-mode hub.</summary>
public class LeafNodeCredentialsTests
{
    private static Task<TestServer> StartLeafAsync(string url, string creds, LogCapture? logs = null) =>
        TestServer.StartAsync(
            o =>
            {
                o.ServerName = "CREDSLEAF";
                o.LeafNodes = new LeafNodeOptions
                {
                    ReconnectDelay = TimeSpan.FromMilliseconds(200),
                    Remotes = [new LeafRemote { Urls = [new Uri(url)], Credentials = creds }],
                };
            },
            logs);

    /// <summary>The JWT and seed of a creds file, the way a test client reads them.</summary>
    private static (string Jwt, string Seed) ReadCreds(string file)
    {
        string[] lines = File.ReadAllLines(file);
        string After(string marker) => lines[Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal)) + 1].Trim();
        return (After("BEGIN NATS USER JWT"), After("BEGIN USER NKEY SEED"));
    }

    private static string Base64Url(byte[] raw) => Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A client of an operator-mode server, authenticated with the creds file (nonce signed with its seed).</summary>
    private static async Task<RawClient> ConnectWithCredsAsync(int port, string creds)
    {
        var (jwt, seed) = ReadCreds(creds);
        RawClient c = await RawClient.ConnectAsync(port);
        string nonce = JsonDocument.Parse(c.Info["INFO ".Length..]).RootElement.GetProperty("nonce").GetString()!;
        string sig = Base64Url(Nkeys.Sign(seed, Encoding.UTF8.GetBytes(nonce)));
        await c.SendAsync($"CONNECT {{\"verbose\":false,\"pedantic\":false,\"jwt\":\"{jwt}\",\"sig\":\"{sig}\"}}\r\nPING\r\n");
        await c.ExpectAsync("PONG");
        return c;
    }

    private static async Task ExpectDeliveryAsync(RawClient sub, RawClient pub, string subject)
    {
        await sub.SendAsync($"SUB {subject} 1\r\nPING\r\n");
        await sub.ExpectAsync("PONG");
        await Delivery.PublishUntilDeliveredAsync(pub, subject, sub, "hi");
    }

    [Fact]
    public async Task NatsSharp_leaf_with_credentials_on_an_operator_mode_nats_server_hub()
    {
        string dir = Directory.CreateTempSubdirectory("leaf-creds-").FullName;
        GoJwt keys = await GoJwt.CreateAsync(dir);
        int leafPort = FreePort.Next();
        string conf = Path.Combine(dir, "hub.conf");
        await File.WriteAllTextAsync(conf, keys.OperatorConfig + $"server_name: OPHUB\nleafnodes {{ listen: 127.0.0.1:{leafPort} }}\n");
        await using var real = await RealNatsServer.StartAsync("-c", conf);

        await using var stranger = await StartLeafAsync($"nats-leaf://127.0.0.1:{leafPort}", keys.StrangerCreds);
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{leafPort}", keys.UserCreds);
        await Eventually.TrueAsync(() => leaf.Server.LeafNodeCount == 1, "our leaf connection, authenticated by its creds", TimeSpan.FromSeconds(15));

        // The leaf is bound to the creds' account on the hub: a client of that account talks with the leaf's clients.
        await using var onHub = await ConnectWithCredsAsync(real.Port, keys.UserCreds);
        await using var onLeaf = await RawClient.ConnectedAsync(leaf.Port);
        await ExpectDeliveryAsync(onLeaf, onHub, "creds.to.leaf");
        await using var onHub2 = await ConnectWithCredsAsync(real.Port, keys.UserCreds);
        await using var onLeaf2 = await RawClient.ConnectedAsync(leaf.Port);
        await ExpectDeliveryAsync(onHub2, onLeaf2, "creds.to.hub");

        Assert.Equal(0, stranger.Server.LeafNodeCount); // a user of an account the operator never signed
    }

    [Fact]
    public async Task The_connect_carries_the_jwt_and_the_nonce_signed_with_the_seed()
    {
        string dir = Directory.CreateTempSubdirectory("leaf-creds-").FullName;
        var (seed, publicKey) = Nkeys.CreateUser();
        string creds = Path.Combine(dir, "fake.creds");
        await File.WriteAllTextAsync(creds, $"-----BEGIN NATS USER JWT-----\nfake.jwt.value\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n");

        using var fakeHub = new TcpListener(IPAddress.Loopback, 0);
        fakeHub.Start();
        int port = ((IPEndPoint)fakeHub.LocalEndpoint).Port;
        using var logs = new LogCapture();
        await using var missing = await StartLeafAsync($"nats-leaf://127.0.0.1:{port}", Path.Combine(dir, "missing.creds"), logs);
        await using var leaf = await StartLeafAsync($"nats-leaf://127.0.0.1:{port}", creds);

        // Answer each dial with an INFO; the leaf with the real file sends a signed CONNECT.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        JsonElement connect = default;
        const string nonce = "Kp3nX0cTf_Y5wQ";
        while (connect.ValueKind == JsonValueKind.Undefined)
        {
            using TcpClient peer = await fakeHub.AcceptTcpClientAsync(cts.Token);
            NetworkStream stream = peer.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"INFO {{\"server_id\":\"FAKE\",\"server_name\":\"FAKE\",\"version\":\"2.9.10\",\"proto\":1,\"headers\":true,\"auth_required\":true,\"max_payload\":1048576,\"client_id\":3,\"nonce\":\"{nonce}\",\"info_on_connect\":true,\"leafnode_urls\":[\"127.0.0.1:{port}\"]}} \r\n"), cts.Token);
            var reader = new StreamReader(stream, Encoding.ASCII);
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cts.Token).AsTask().WaitAsync(TimeSpan.FromSeconds(3), cts.Token);
            }
            catch (TimeoutException)
            {
                continue; // the leaf without its file never answers
            }

            if (line is not null && line.StartsWith("CONNECT ", StringComparison.Ordinal))
            {
                connect = JsonDocument.Parse(line["CONNECT ".Length..]).RootElement.Clone();
            }
        }

        Assert.Equal("fake.jwt.value", connect.GetProperty("jwt").GetString());
        Assert.False(connect.TryGetProperty("user", out _));
        Assert.False(connect.GetProperty("tls_required").GetBoolean());
        string sig = connect.GetProperty("sig").GetString()!;
        Assert.DoesNotContain('=', sig); // base64url without padding, as nats-server decodes it
        byte[] raw = Convert.FromBase64String(sig.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (sig.Length % 4)) % 4));
        Assert.True(Nkeys.Verify(publicKey, Encoding.UTF8.GetBytes(nonce), raw));

        await Eventually.TrueAsync(() => logs.Contains($"open {Path.Combine(dir, "missing.creds")}: no such file or directory"), "the missing creds file logged", TimeSpan.FromSeconds(10));
    }
}
