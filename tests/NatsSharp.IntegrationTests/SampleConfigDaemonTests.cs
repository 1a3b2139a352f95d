using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Every sample under configs/ starts the real natssharp. Copies are adapted for a test
/// machine only where they must be: loopback instead of 0.0.0.0, free ports instead of the
/// well-known ones, and throwaway certificates instead of /etc/natssharp/certs.
/// </summary>
public partial class SampleConfigDaemonTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        string configs = Path.Combine(RepoRoot(), "configs");
        foreach (string file in Directory.GetFiles(configs, "*.conf", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(configs, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task The_daemon_starts_with_the_sample(string sample)
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-sample-").FullName;
        ThrowawayCerts.WriteTo(dir);
        string text = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "configs", sample));
        text = text.Replace("/etc/natssharp/certs", dir, StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        text = WellKnownPort().Replace(text, m => FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        string conf = Path.Combine(dir, Path.GetFileName(sample));
        await File.WriteAllTextAsync(conf, text);

        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, "the ports file", TimeSpan.FromSeconds(15));
        Assert.False(d.HasExited, $"natssharp did not start with {sample}: {d.Stderr}");
        await Eventually.TrueAsync(() => d.Stderr.Contains("[INF] Server is ready"), "Server is ready (stderr so far: " + d.Stderr + ")", TimeSpan.FromSeconds(15));
        Assert.Contains($"Using configuration file: {conf}", d.Stderr);
        d.Signal(2);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [GeneratedRegex(@"(?<=[:\s])(4222|5222|6222|8222|8443)\b")]
    private static partial Regex WellKnownPort();

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static string RepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "NatsSharp.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("NatsSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
