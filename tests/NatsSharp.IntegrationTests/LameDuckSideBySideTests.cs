using System.Text.Json;
using System.Text.RegularExpressions;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>Lame-duck mode (SIGUSR2) in the real nats-server 2.9.10 and in natssharp: same client view, same log, same exit code.</summary>
public partial class LameDuckSideBySideTests
{
    private const int SigUsr2 = 12;

    [Fact]
    public async Task Lame_duck_looks_the_same_to_clients_and_operators()
    {
        var expected = await LameDuckAsync(RealNatsServer.Binary);
        var actual = await LameDuckAsync(DaemonProcess.AppHost);
        Assert.Equal(("ldm=True; then closed", 0), (expected.Observed, expected.ExitCode));
        Assert.Contains("[INF] Entering lame duck mode, stop accepting new clients\n[INF] Closing existing clients\n[INF] Initiating Shutdown...", expected.Log);
        Assert.Equal(expected, actual);
    }

    private static async Task<(string Observed, int ExitCode, string Log)> LameDuckAsync(string executable)
    {
        string dir = Directory.CreateTempSubdirectory("ldm-side-").FullName;
        string conf = Path.Combine(dir, "ldm.conf");
        await File.WriteAllTextAsync(conf, "lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"1s\"\n");
        await using DaemonProcess d = DaemonProcess.StartAt(executable, "-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Any(f => new FileInfo(f).Length > 0) || d.HasExited, $"{executable}'s ports file", TimeSpan.FromSeconds(15));
        Assert.False(d.HasExited, $"{executable} did not start: {d.Stderr}");
        using JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0]));
        int port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;

        await using var client = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"protocol\":1}");
        d.Signal(SigUsr2);
        string info = await client.ReadLineSkippingPingsAsync();
        List<string> rest = await client.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));
        int code = await d.WaitForExitAsync();

        using JsonDocument infoJson = JsonDocument.Parse(info["INFO ".Length..]);
        bool ldm = infoJson.RootElement.TryGetProperty("ldm", out JsonElement flag) && flag.GetBoolean();
        string observed = $"ldm={ldm}; then {string.Join(",", rest.Where(l => l != "PING"))}closed";
        string log = string.Join("\n", d.Stderr.Split('\n')
            .Select(l => Prefix().Replace(l.TrimEnd('\r'), ""))
            .Where(l => l.Contains("lame duck", StringComparison.Ordinal) || l.Contains("Closing existing", StringComparison.Ordinal)
                || l.Contains("Shutdown", StringComparison.Ordinal) || l.Contains("Exiting", StringComparison.Ordinal)));
        return (observed, code, log);
    }

    [Theory]
    [InlineData("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"30s\"\n")]
    [InlineData("lame_duck_grace_period: \"3m\"\n")] // above the default duration (2m)
    [InlineData("lame_duck_duration: \"1m\"\nlame_duck_grace_period: \"1m30s\"\n")]
    [InlineData("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"-5s\"\n")]
    [InlineData("lame_duck_duration: \"29s\"\n")]
    public async Task A_grace_period_not_below_the_duration_refuses_to_start_with_the_same_text(string config)
    {
        string dir = Directory.CreateTempSubdirectory("ldm-bad-").FullName;
        string conf = Path.Combine(dir, "ldm.conf");
        await File.WriteAllTextAsync(conf, config);
        var (refCode, _, refErr) = await DaemonProcess.RunAtAsync(RealNatsServer.Binary, "-c", conf, "-a", "127.0.0.1", "-p", "-1");
        var (code, _, err) = await DaemonProcess.RunAsync("-c", conf, "-a", "127.0.0.1", "-p", "-1");
        Assert.Equal(1, refCode);
        Assert.StartsWith("nats-server: ", refErr);
        Assert.Equal((refCode, refErr.Trim()["nats-server: ".Length..]), (code, err.Trim()["natssharp: ".Length..]));
    }

    [GeneratedRegex(@"^\[\d+\] (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} )?")]
    private static partial Regex Prefix();
}
