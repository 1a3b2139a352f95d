using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;
using NatsSharp.Server.Auth;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// NATS.Net's NatsConnectionTest.UserCredentialAuthTest (token, user/password, nkey) and AuthErrorTest: anonymous and
/// wrong credentials are refused with the same error text, the right ones work and survive a restart, and a password
/// changed by a reload closes the client, which stops at the same auth error twice (or keeps trying when told to).
/// </summary>
public class AuthTests
{
    [Theory]
    [InlineData("token")]
    [InlineData("user-password")]
    [InlineData("nkey")]
    public async Task Credentials_are_checked_and_survive_a_restart(string method)
    {
        var (seed, publicKey) = Nkeys.CreateUser();
        var (otherSeed, otherPublicKey) = Nkeys.CreateUser();
        (string config, NatsAuthOpts good, NatsAuthOpts bad) = method switch
        {
            "token" => ("authorization { token: \"s3cr3t\" }",
                new NatsAuthOpts { Token = "s3cr3t" },
                new NatsAuthOpts { Token = "wrong" }),
            "user-password" => ("authorization { users = [ { user: a, password: b } ] }",
                new NatsAuthOpts { Username = "a", Password = "b" },
                new NatsAuthOpts { Username = "a", Password = "c" }),
            _ => ($"authorization {{ users = [ {{ nkey: {publicKey} }} ] }}",
                new NatsAuthOpts { NKey = publicKey, Seed = seed },
                new NatsAuthOpts { NKey = otherPublicKey, Seed = otherSeed }),
        };

        await BothServers.SameOutcomeAsync(async kind =>
        {
            await using ChaosNode node = await BothServers.StartAsync(kind, config);
            var lines = new List<string>
            {
                "anonymous: " + await RefusalAsync(node.Url, NatsAuthOpts.Default),
                "wrong: " + await RefusalAsync(node.Url, bad),
            };
            Assert.Contains("Authorization Violation", lines[0], StringComparison.Ordinal);
            Assert.Contains("Authorization Violation", lines[1], StringComparison.Ordinal);

            await using NatsConnection subs = await BothServers.ConnectReconnectingAsync(node.Url, o => o with { AuthOpts = good });
            await using NatsConnection pub = await BothServers.ConnectReconnectingAsync(node.Url, o => o with { AuthOpts = good });
            await using INatsSub<int> sub = await subs.SubscribeCoreAsync<int>("secured");
            await subs.PingAsync();
            await pub.PublishAsync("secured", 1);
            lines.Add("before restart: " + (await BothServers.NextAsync(sub)).Data);

            await BothServers.RestartAsync(node);
            await BothServers.OpenAsync(subs, "subscriber back with its credentials");
            await BothServers.OpenAsync(pub, "publisher back with its credentials");
            await subs.PingAsync();
            await pub.PublishAsync("secured", 2);
            lines.Add("after restart: " + (await BothServers.NextAsync(sub)).Data);
            return string.Join("\n", lines);
        });
    }

    [Fact]
    public async Task Password_changed_by_a_reload_stops_the_client_unless_it_ignores_auth_errors()
    {
        await BothServers.SameOutcomeAsync(async kind =>
        {
            // server_name in the file too: nats-server refuses a reload whose file drops a name the flags gave.
            const string config = "server_name: suite\nauthorization { users = [ { user: a, password: b } ] }";
            string configFile = ConfiguredServer.WriteConfig(config);
            await using ChaosNode node = await BothServers.StartFromFileAsync(kind, configFile);
            var auth = new NatsAuthOpts { Username = "a", Password = "b" };
            using var stoppingLog = new LogCapture();
            using var patientLog = new LogCapture();
            await using NatsConnection stopping = await BothServers.ConnectReconnectingAsync(node.Url, o => o with { AuthOpts = auth, LoggerFactory = stoppingLog });
            await using NatsConnection patient = await BothServers.ConnectReconnectingAsync(node.Url, o => o with { AuthOpts = auth, LoggerFactory = patientLog, IgnoreAuthErrorAbort = true });
            await stopping.PingAsync();
            await patient.PingAsync();

            // The reload closes both (their password is gone): "stopping" gives up after the same auth error twice,
            // "patient" (IgnoreAuthErrorAbort) keeps trying until the old password is back.
            await File.WriteAllTextAsync(configFile, config.Replace("password: b", "password: c", StringComparison.Ordinal));
            BothServers.Signal(node, 1);
            await Eventually.TrueAsync(() => stoppingLog.Contains("Received same authentication error"), "the client gave up", TimeSpan.FromSeconds(20));
            await Eventually.TrueAsync(() => patientLog.Count("Authentication error:") > 3, "the patient client kept trying", TimeSpan.FromSeconds(20));
            Assert.False(patientLog.Contains("Received same authentication error"));
            Assert.True(await ConnectsAsync(node.Url, new NatsAuthOpts { Username = "a", Password = "c" }), "the new password works");
            var lines = new List<string>(stoppingLog.Lines.Where(l => l.Contains("Authentication error:", StringComparison.Ordinal)).Distinct());

            await File.WriteAllTextAsync(configFile, config);
            BothServers.Signal(node, 1);
            await BothServers.OpenAsync(patient, "the patient client back after the password was restored");
            await patient.PingAsync();
            Assert.NotEqual(NatsConnectionState.Open, stopping.ConnectionState);
            lines.Add($"password restored: patient {patient.ConnectionState}, stopping stayed down");
            return string.Join("\n", lines);
        });
    }

    private static async Task<bool> ConnectsAsync(string url, NatsAuthOpts auth)
    {
        try
        {
            await using NatsConnection c = await BothServers.ConnectAsync(url, o => o with { AuthOpts = auth });
            await c.PingAsync();
            return true;
        }
        catch (NatsException)
        {
            return false;
        }
    }

    /// <summary>How a connection with <paramref name="auth"/> is refused (the error text, ports masked).</summary>
    internal static async Task<string> RefusalAsync(string url, NatsAuthOpts auth)
    {
        Exception e = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using NatsConnection c = await BothServers.ConnectAsync(url, o => o with { AuthOpts = auth });
            await c.PingAsync();
        });
        return BothServers.Describe(e);
    }
}
