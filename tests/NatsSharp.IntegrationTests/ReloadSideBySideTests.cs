using System.Text.RegularExpressions;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The same config change reloaded (SIGHUP) into the real nats-server 2.9.10 and into
/// natssharp must log the same reload lines, word for word.
/// </summary>
public partial class ReloadSideBySideTests
{
    private const int SigHup = 1;

    [Theory]
    [InlineData("max_pending: 64MB\n", "max_pending: 32MB\n")]
    [InlineData("", "ping_interval: \"30s\"\nmax_connections: 100\nmax_control_line: 8192\nwrite_deadline: \"3s\"\n")]
    [InlineData("ping_interval: \"30s\"\nmax_connections: 100\nwrite_deadline: \"3s\"\n", "")]
    [InlineData("", "bogus_key: 1\n")]
    [InlineData("authorization { user: alice, password: one }\n", "authorization { user: bob, password: one }\n")]
    [InlineData("authorization { token: abc }\n", "authorization { token: xyz, timeout: 0.5 }\n")]
    [InlineData("", "debug: true\ntrace: true\nlogtime: false\n")]
    [InlineData("lame_duck_duration: \"2m\"\n", "lame_duck_duration: \"1m\"\n")]
    [InlineData("", "max_payload: 2MB\nping_max: 5\nmax_traced_msg_len: 10\n")]
    [InlineData("", "server_name: other\n")]
    [InlineData("", "max_subscriptions: 5\n")]
    [InlineData("", "log_size_limit: 1000\n")]
    [InlineData("", "no_header_support: true\n")]
    [InlineData("server_tags: [a]\n", "server_tags: [b, \"c\"]\nmax_traced_msg_len: 10\n")]
    [InlineData("", "cluster { listen: 127.0.0.1:-1 }\n")]
    [InlineData("cluster { listen: 127.0.0.1:-1 }\n", "cluster { listen: 127.0.0.2:-1 }\n")]
    [InlineData("cluster { name: c1, listen: 127.0.0.1:-1 }\n", "cluster { name: c1, listen: 127.0.0.1:-1 }\nmax_connections: 10\n")]
    [InlineData("cluster { name: c1, listen: 127.0.0.1:-1 }\n", "cluster { name: c2, listen: 127.0.0.1:-1, no_advertise: true, connect_retries: 3 }\n")]
    [InlineData("cluster { name: c1, listen: 127.0.0.1:-1 }\n", "cluster { name: c1, listen: 127.0.0.1:-1, authorization { user: r, password: p }, permissions { import: \"a.>\" } }\n")]
    [InlineData("cluster { name: c1, listen: 127.0.0.1:-1 }\n", "cluster { name: c1, listen: 127.0.0.1:-1, advertise: \"h:abc\" }\n")]
    public async Task Reload_logs_what_nats_server_logs(string before, string after)
    {
        List<string> expected = await ReloadLinesAsync(RealNatsServer.Binary, before, after);
        List<string> actual = await ReloadLinesAsync(DaemonProcess.AppHost, before, after);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>Starts the server with <paramref name="before"/>, rewrites the file, SIGHUP, and returns the reload lines without pid/time prefix.</summary>
    private static async Task<List<string>> ReloadLinesAsync(string executable, string before, string after)
    {
        string dir = Directory.CreateTempSubdirectory("reload-side-").FullName;
        string conf = Path.Combine(dir, "rl.conf");
        await File.WriteAllTextAsync(conf, before);
        await using DaemonProcess d = DaemonProcess.StartAt(executable, "-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, $"{executable}'s ports file", TimeSpan.FromSeconds(15));
        Assert.False(d.HasExited, $"{executable} did not start: {d.Stderr}");

        await File.WriteAllTextAsync(conf, after);
        d.Signal(SigHup);
        await Eventually.TrueAsync(
            () => d.Stderr.Contains("Reloaded server configuration") || d.Stderr.Contains("Failed to reload"),
            $"{executable} to reload",
            TimeSpan.FromSeconds(15));
        string stderr = d.Stderr.Replace(dir, "<dir>", StringComparison.Ordinal);
        return [.. stderr.Split('\n')
            .Where(l => l.Contains("Reloaded", StringComparison.Ordinal) || l.Contains("Failed to reload", StringComparison.Ordinal))
            .Select(l => Prefix().Replace(l.TrimEnd('\r'), ""))];
    }

    [GeneratedRegex(@"^\[\d+\] (\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} )?")]
    private static partial Regex Prefix();
}
