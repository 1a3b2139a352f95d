using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// A server started under <c>nohup</c> or in the background of a script inherits SIGHUP, SIGINT
/// and SIGQUIT as ignored. nats-server still reloads on SIGHUP and stops on SIGINT; so must we
/// (before the fix natssharp ignored both: <c>-sl reload</c> and <c>-sl stop</c> did nothing).
/// </summary>
public class DaemonIgnoredSignalsTests
{
    private const int SigHup = 1;
    private const int SigInt = 2;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Signals_ignored_by_the_parent_still_reload_and_stop_the_server(bool reference)
    {
        string executable = reference ? RealNatsServer.Binary : DaemonProcess.AppHost;
        string dir = Directory.CreateTempSubdirectory("ignored-signals-").FullName;
        string conf = Path.Combine(dir, "s.conf");
        await File.WriteAllTextAsync(conf, "max_payload: 1MB\n");

        // trap '' sets SIG_IGN, which exec keeps: what nohup (HUP) and a background job (INT, QUIT) leave.
        await using DaemonProcess d = DaemonProcess.StartAt(
            "/bin/bash", "-c", "trap '' HUP INT QUIT; exec \"$0\" \"$@\"", executable,
            "-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await d.ClientPortAsync(dir, TimeSpan.FromSeconds(30));
        Assert.False(d.HasExited, $"{executable} did not start: {d.Stderr}");

        await File.WriteAllTextAsync(conf, "max_payload: 2MB\n");
        d.Signal(SigHup);
        await Eventually.TrueAsync(() => d.Stderr.Contains("Reloaded server configuration"), $"{executable} to reload", TimeSpan.FromSeconds(30));

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Server Exiting", d.Stderr);
    }
}
