using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NATS.Client.Core;
using NatsSharp.IntegrationTests.Chaos;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;

namespace NatsSharp.IntegrationTests.NatsNetSuite;

/// <summary>
/// Runs a scenario of NATS.Net's own core tests against nats-server 2.9.10 and then against NatsSharp
/// (the natssharp daemon, started with the same command line on fixed ports so that a restart comes back
/// where the client expects it); the two must report the same outcome.
/// </summary>
internal static partial class BothServers
{
    /// <summary>
    /// The scenario returns what it observed as text (ports and ids left out), after asserting what NATS.Net's
    /// test asserts; the reference goes first, so a scenario that is wrong about nats-server fails there.
    /// </summary>
    public static async Task SameOutcomeAsync(Func<ServerKind, Task<string>> scenario)
    {
        string expected = await scenario(ServerKind.NatsServer);
        string actual = await scenario(ServerKind.NatsSharp);
        Assert.Equal(expected, actual);
    }

    /// <summary>One server of <paramref name="kind"/>, from <paramref name="config"/> (conf text) when given.</summary>
    public static Task<ChaosNode> StartAsync(ServerKind kind, string? config = null, string name = "suite") =>
        StartFromFileAsync(kind, config is null ? null : ConfiguredServer.WriteConfig(config), name);

    /// <summary>One server of <paramref name="kind"/> reading <paramref name="configFile"/> (the flags win over it, as in nats-server).</summary>
    public static async Task<ChaosNode> StartFromFileAsync(ServerKind kind, string? configFile, string name = "suite")
    {
        ChaosNode node = configFile is null
            ? new ChaosNode(kind, name, [])
            : new ChaosNode(kind, name, [], "-c", configFile);
        try
        {
            await node.StartAsync();
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>SIGKILL and start again on the same ports (NATS.Net's tests dispose the server process and start a new one).</summary>
    public static async Task RestartAsync(ChaosNode node)
    {
        await node.KillAsync();
        await node.StartAsync();
    }

    /// <summary>
    /// The bound of the suite's waits for a message, a connection or a reply: wider than <see cref="NatsNetClient.Timeout"/>,
    /// as each test runs two servers and the whole suite is meant to pass on a machine loaded far beyond its cores.
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>A NATS.Net connection with the suite's bounded timeouts and no reconnects.</summary>
    public static Task<NatsConnection> ConnectAsync(string url, Func<NatsOpts, NatsOpts>? configure = null) =>
        NatsNetClient.ConnectAsync(url, o =>
        {
            o = o with { ConnectTimeout = Timeout, RequestTimeout = Timeout, CommandTimeout = Timeout };
            return configure is null ? o : configure(o);
        });

    /// <summary>The next message of <paramref name="sub"/>, failing the test when none arrives within <see cref="Timeout"/>.</summary>
    public static async Task<NatsMsg<T>> NextAsync<T>(INatsSub<T> sub)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await sub.Msgs.ReadAsync(cts.Token);
    }

    /// <summary>A NATS.Net connection that reconnects quickly and without end, for restart scenarios.</summary>
    public static Task<NatsConnection> ConnectReconnectingAsync(string url, Func<NatsOpts, NatsOpts>? configure = null) =>
        ConnectAsync(url, o =>
        {
            o = o with
            {
                MaxReconnectRetry = -1,
                ReconnectWaitMin = TimeSpan.FromMilliseconds(50),
                ReconnectWaitMax = TimeSpan.FromMilliseconds(250),
                ReconnectJitter = TimeSpan.Zero,
            };
            return configure is null ? o : configure(o);
        });

    /// <summary>Waits (bounded) until <paramref name="connection"/> is open again after a restart.</summary>
    public static Task OpenAsync(NatsConnection connection, string what) =>
        Eventually.TrueAsync(() => connection.ConnectionState == NatsConnectionState.Open, what, TimeSpan.FromSeconds(20));

    /// <summary>An exception's messages down its inner chain, with ports and addresses that differ per run masked.</summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            parts.Add($"{x.GetType().Name}: {x.Message}");
        }

        return Volatile().Replace(string.Join(" <- ", parts), "#");
    }

    /// <summary>Sends a POSIX signal (1 = SIGHUP: reload the config file).</summary>
    public static void Signal(ChaosNode node, int signal) =>
        Assert.Equal(0, Kill(node.Pid ?? throw new InvalidOperationException($"{node.Name} is not running"), signal));

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"(?<=127\.0\.0\.1:)\d+")]
    private static partial Regex Volatile();
}
