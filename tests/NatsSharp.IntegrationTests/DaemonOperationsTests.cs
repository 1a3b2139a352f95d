using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// Operating the real natssharp process as an operator does: -sl reload/reopen/ldm/quit and
/// real signals, config reload, log rotation, syslog, lame duck.
/// </summary>
public class DaemonOperationsTests
{
    private const int SigHup = 1;
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private sealed record Running(DaemonProcess Process, string Dir, string Conf, string PidFile, int Port);

    /// <summary>Starts natssharp with <paramref name="config"/> ("{dir}" names its own temp directory) on 127.0.0.1 and a random port; waits for its ports file.</summary>
    private static async Task<Running> StartAsync(string config, params string[] extra)
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-ops-").FullName;
        string conf = Path.Combine(dir, "server.conf");
        string pidFile = Path.Combine(dir, "server.pid");
        await File.WriteAllTextAsync(conf, config.Replace("{dir}", dir, StringComparison.Ordinal));
        string[] args = ["-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir, "-P", pidFile, .. extra];
        DaemonProcess d = DaemonProcess.Start(args);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, "the ports file", StartTimeout);
        Assert.False(d.HasExited, "natssharp exited at start: " + d.Stderr);
        using JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0]));
        int port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
        return new Running(d, dir, conf, pidFile, port);
    }

    private static async Task SignalCommandAsync(string command)
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("-sl", command);
        Assert.True(code == 0, $"natssharp -sl {command} failed ({code}): {stderr}");
    }

    private static string Auth(string user, string pass) => $"{{\"verbose\":false,\"user\":\"{user}\",\"pass\":\"{pass}\"}}";

    [Fact]
    public async Task Sl_reload_applies_a_new_user_and_password()
    {
        Running s = await StartAsync("authorization { user: alice, password: one }\n");
        await using DaemonProcess d = s.Process;
        await using (await RawClient.ConnectedAsync(s.Port, Auth("alice", "one")))
        {
        }

        await File.WriteAllTextAsync(s.Conf, "authorization { user: bob, password: two }\n");
        await SignalCommandAsync("reload=" + s.PidFile);
        await Eventually.TrueAsync(() => d.Stderr.Contains("[INF] Reloaded server configuration"), "the reload", StartTimeout);

        await using (var bob = await RawClient.ConnectedAsync(s.Port, Auth("bob", "two")))
        {
        }

        await using var alice = await RawClient.ConnectAsync(s.Port);
        await alice.SendAsync($"CONNECT {Auth("alice", "one")}\r\n");
        Assert.Equal(["-ERR 'Authorization Violation'"], await alice.ReadUntilClosedAsync());
        Assert.Contains("[INF] Reloaded: authorization username", d.Stderr);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Sighup_refuses_a_non_reloadable_change_and_keeps_the_old_config()
    {
        Running s = await StartAsync("max_pending: 64MB\nauthorization { token: abc }\n");
        await using DaemonProcess d = s.Process;
        await File.WriteAllTextAsync(s.Conf, "max_pending: 32MB\nauthorization { token: xyz }\n");
        d.Signal(SigHup);
        await Eventually.TrueAsync(() => d.Stderr.Contains("Failed to reload"), "the refusal", StartTimeout);

        Assert.Contains("[ERR] Failed to reload server configuration: config reload not supported for MaxPending: old=67108864, new=33554432", d.Stderr);
        Assert.DoesNotContain("Reloaded", d.Stderr);
        await using (await RawClient.ConnectedAsync(s.Port, "{\"verbose\":false,\"auth_token\":\"abc\"}"))
        {
        }

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task A_bad_file_on_reload_changes_nothing()
    {
        Running s = await StartAsync("authorization { token: abc }\n");
        await using DaemonProcess d = s.Process;
        await File.WriteAllTextAsync(s.Conf, "authorization { token: xyz }\nbogus_key: 1\n");
        await SignalCommandAsync("reload=" + d.Pid.ToString(CultureInfo.InvariantCulture));
        await Eventually.TrueAsync(() => d.Stderr.Contains("Failed to reload"), "the refusal", StartTimeout);

        Assert.Contains($"[ERR] Failed to reload server configuration: {s.Conf}:2:1: unknown field \"bogus_key\"", d.Stderr);
        await using (await RawClient.ConnectedAsync(s.Port, "{\"verbose\":false,\"auth_token\":\"abc\"}"))
        {
        }

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Reload_switches_debug_on_and_flags_still_win_over_the_file()
    {
        // -n on the command line must survive the reload (a flag wins over the file), so no ServerName refusal.
        Running s = await StartAsync("server_name: fromfile\n", "-n", "fromflag");
        await using DaemonProcess d = s.Process;
        await File.WriteAllTextAsync(s.Conf, "server_name: fromfile\ndebug: true\n");
        d.Signal(SigHup);
        await Eventually.TrueAsync(() => d.Stderr.Contains("Reloaded server configuration"), "the reload", StartTimeout);
        Assert.Contains("[INF] Reloaded: debug = true", d.Stderr);

        await using (await RawClient.ConnectedAsync(s.Port))
        {
        }

        await Eventually.TrueAsync(() => d.Stderr.Contains(" - Client connection created"), "a debug line after the reload", StartTimeout);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Reload_moves_the_log_to_a_new_file_and_writes_the_new_pid_file()
    {
        Running s = await StartAsync("log_file: \"{dir}/first.log\"\n");
        await using DaemonProcess d = s.Process;
        string first = Path.Combine(s.Dir, "first.log");
        string second = Path.Combine(s.Dir, "second.log");
        await Eventually.TrueAsync(() => File.Exists(first) && File.ReadAllText(first).Contains("Server is ready"), "the first log file", StartTimeout);

        await File.WriteAllTextAsync(s.Conf, $"log_file: \"{second}\"\nlogtime: false\n");
        await SignalCommandAsync("reload=" + s.PidFile);
        await Eventually.TrueAsync(() => File.Exists(second) && File.ReadAllText(second).Contains("[INF] Reloaded server configuration"), "the second log file", StartTimeout);
        Assert.Matches(@"^\[\d+\] \[INF\] Reloaded: logtime = false", File.ReadAllLines(second).First(l => l.Contains("logtime", StringComparison.Ordinal)));
        Assert.Contains($"[INF] Reloaded: log_file = {second}", await File.ReadAllTextAsync(second));
        Assert.DoesNotContain("Reloaded server configuration", await File.ReadAllTextAsync(first));

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.Contains("Server Exiting..", await File.ReadAllTextAsync(second));
    }

    [Fact]
    public async Task Reload_writes_a_changed_pid_file_and_the_new_one_is_removed_at_exit()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-ops-").FullName;
        string conf = Path.Combine(dir, "server.conf");
        string oldPid = Path.Combine(dir, "old.pid");
        string newPid = Path.Combine(dir, "new.pid");
        await File.WriteAllTextAsync(conf, $"pid_file: \"{oldPid}\"\n");
        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => File.Exists(oldPid), "the pid file", StartTimeout);

        await File.WriteAllTextAsync(conf, $"pid_file: \"{newPid}\"\n");
        await SignalCommandAsync("reload=" + oldPid);
        // The file appears before its contents are written: wait for the pid, not for the name.
        string pid = d.Pid.ToString(CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => File.Exists(newPid) && File.ReadAllText(newPid) == pid, "the new pid file with our pid", StartTimeout);
        await Eventually.TrueAsync(() => d.Stderr.Contains($"[INF] Reloaded: pid_file = {newPid}"), "the reload line", StartTimeout);

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.False(File.Exists(newPid), "the pid file in force is removed at exit");
    }

    [Fact]
    public async Task Reopen_without_a_log_file_says_it_is_ignored()
    {
        Running s = await StartAsync("", "-D");
        await using DaemonProcess d = s.Process;
        await SignalCommandAsync("reopen=" + s.PidFile);
        await Eventually.TrueAsync(() => d.Stderr.Contains("[INF] File log re-open ignored, not a file logger"), "the reopen notice", StartTimeout);
        Assert.Contains("[DBG] Trapped \"user defined signal 1\" signal", d.Stderr);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Sighup_without_a_config_file_says_why_it_cannot_reload()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-ops-").FullName;
        await using DaemonProcess d = DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1, "the ports file", StartTimeout);
        d.Signal(SigHup);
        await Eventually.TrueAsync(
            () => d.Stderr.Contains("[ERR] Failed to reload server configuration: can only reload config when a file is provided using -c or --config"),
            "the reload error",
            StartTimeout);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Sl_reopen_reopens_the_log_file_after_a_logrotate_rename()
    {
        Running s = await StartAsync("log_file: \"{dir}/server.log\"\n");
        await using DaemonProcess d = s.Process;
        string log = Path.Combine(s.Dir, "server.log");
        await Eventually.TrueAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("Server is ready"), "the log file", StartTimeout);

        string rotated = log + ".1";
        File.Move(log, rotated);
        await SignalCommandAsync("reopen=" + s.PidFile);
        await Eventually.TrueAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("[INF] File log re-opened"), "the reopened log file", StartTimeout);
        Assert.DoesNotContain("File log re-opened", await File.ReadAllTextAsync(rotated));
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.Contains("Server Exiting..", await File.ReadAllTextAsync(log));
    }

    [Theory]
    [InlineData("log_file: \"{dir}/server.log\"\nlog_size_limit: 2KB\ntrace: true\n", "")]
    [InlineData("log_file: \"{dir}/server.log\"\n", "--log_size_limit=2048 -V")]
    public async Task Log_size_limit_rotates_the_log_file(string config, string flags)
    {
        Running s = await StartAsync(config, flags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        await using DaemonProcess d = s.Process;
        string dir = s.Dir;
        string log = Path.Combine(dir, "server.log");
        await using (var c = await RawClient.ConnectedAsync(s.Port))
        {
            for (int i = 0; i < 40; i++)
            {
                await c.SendAsync($"PUB rotate.me.please 16\r\n0123456789abcdef\r\n");
            }

            await c.SendAsync("PING\r\n");
            await c.ExpectAsync("PONG");
        }

        // (not GetFiles("server.log.*"): that pattern also matches "server.log" itself)
        string[] Backups() => [.. Directory.GetFiles(dir).Where(f => Path.GetFileName(f).StartsWith("server.log.", StringComparison.Ordinal))];
        await Eventually.TrueAsync(() => Backups().Length > 0, "a rotated backup", StartTimeout);
        string backup = Backups()[0];
        Assert.Matches(@"server\.log\.\d{4}\.\d\d\.\d\d\.\d\d\.\d\d\.\d\d\.\d{9}$", backup);
        Assert.Contains("[INF] Rotated log, backup saved as \"" + log + ".", await File.ReadAllTextAsync(log));
        Assert.True(new FileInfo(log).Length < 4096, "the live file starts small after rotation");
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Remote_syslog_receives_nats_server_shaped_messages_over_udp()
    {
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int udpPort = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        Running s = await StartAsync("", "-r", $"udp://127.0.0.1:{udpPort}");
        await using DaemonProcess d = s.Process;

        var received = new List<string>();
        using var cts = new CancellationTokenSource(StartTimeout);
        while (!received.Any(m => m.Contains("Server is ready", StringComparison.Ordinal)))
        {
            UdpReceiveResult r = await listener.ReceiveAsync(cts.Token);
            received.Add(Encoding.UTF8.GetString(r.Buffer));
        }

        string starting = received.First(m => m.Contains("Starting nats-server", StringComparison.Ordinal));
        Assert.Matches($@"^<5>\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) \S+ natssharp\[{d.Pid}\]: Starting nats-server\n$", starting);
        Assert.DoesNotContain("[INF]", starting);
        Assert.DoesNotContain("Starting nats-server", d.Stderr); // syslog replaces stderr
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Remote_syslog_over_a_unix_socket_and_a_log_file_wins_over_syslog()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-syslog-").FullName;
        string path = Path.Combine(dir, "log.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        Running s = await StartAsync($"remote_syslog: \"unix://{path}\"\ndebug: true\n");
        await using DaemonProcess d = s.Process;

        var buffer = new byte[8192];
        var received = new List<string>();
        using var cts = new CancellationTokenSource(StartTimeout);
        while (!received.Any(m => m.Contains("Server is ready", StringComparison.Ordinal)))
        {
            int n = await listener.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            received.Add(Encoding.UTF8.GetString(buffer, 0, n));
        }

        // Debug lines go as severity 7 with facility kern (0), like Go's syslog.Dial(LOG_DEBUG).
        Assert.Contains(received, m => Regex.IsMatch(m, $@"^<7>\S+ \S+ natssharp\[{d.Pid}\]:   Go build: "));

        // A reload that adds log_file moves logging from syslog to the file (log_file comes first).
        string log = Path.Combine(s.Dir, "moved.log");
        await File.WriteAllTextAsync(s.Conf, $"remote_syslog: \"unix://{path}\"\ndebug: true\nlog_file: \"{log}\"\n");
        d.Signal(SigHup);
        await Eventually.TrueAsync(() => File.Exists(log) && File.ReadAllText(log).Contains("Reloaded server configuration"), "logging moved to the file", StartTimeout);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task An_unusable_remote_syslog_address_refuses_to_start()
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("-a", "127.0.0.1", "-p", "-1", "-r", "ftp://127.0.0.1:514");
        Assert.Equal(1, code);
        Assert.Contains("natssharp: error invalid network type: \"ftp\"", stderr);
    }

    [Fact]
    public async Task Sl_ldm_drains_clients_then_exits_0()
    {
        Running s = await StartAsync("lame_duck_duration: \"30s\"\nlame_duck_grace_period: \"1s\"\n", "-D");
        await using DaemonProcess d = s.Process;
        await using var c1 = await RawClient.ConnectedAsync(s.Port, "{\"verbose\":false,\"protocol\":1}");
        await using var c2 = await RawClient.ConnectedAsync(s.Port, "{\"verbose\":false,\"protocol\":1}");

        await SignalCommandAsync("ldm=" + s.PidFile);
        Assert.Contains("\"ldm\":true", await c1.ReadLineSkippingPingsAsync());
        Assert.Contains("\"ldm\":true", await c2.ReadLineSkippingPingsAsync());
        d.Signal(SigTerm); // ignored in lame-duck mode, as nats-server
        Assert.All(await c1.ReadUntilClosedAsync(TimeSpan.FromSeconds(10)), line => Assert.Equal("PING", line)); // only the keepalive, no error
        Assert.All(await c2.ReadUntilClosedAsync(TimeSpan.FromSeconds(10)), line => Assert.Equal("PING", line)); // only the keepalive, no error
        Assert.Equal(0, await d.WaitForExitAsync());

        string err = d.Stderr;
        Assert.Contains("[DBG] Trapped \"user defined signal 2\" signal", err);
        int entering = err.IndexOf("[INF] Entering lame duck mode, stop accepting new clients", StringComparison.Ordinal);
        int closing = err.IndexOf("[INF] Closing existing clients", StringComparison.Ordinal);
        int exiting = err.IndexOf("[INF] Server Exiting..", StringComparison.Ordinal);
        Assert.True(entering >= 0 && closing > entering && exiting > closing, err);
        Assert.False(File.Exists(s.PidFile), "the pid file is removed at exit");
    }

    [Fact]
    public async Task Sl_without_a_pid_and_several_servers_running_asks_for_one()
    {
        Running a = await StartAsync("");
        await using DaemonProcess da = a.Process;
        Running b = await StartAsync("");
        await using DaemonProcess db = b.Process;

        var (code, _, stderr) = await DaemonProcess.RunAsync("-sl", "reload");
        Assert.Equal(1, code);
        Assert.Contains("natssharp: multiple natssharp processes running:", stderr);
        Assert.Contains(da.Pid.ToString(CultureInfo.InvariantCulture), stderr);
        Assert.Contains(db.Pid.ToString(CultureInfo.InvariantCulture), stderr);
        Assert.DoesNotContain("Reloaded", da.Stderr + db.Stderr);
    }

    [Fact]
    public async Task Help_is_nats_server_help_byte_for_byte_with_our_name()
    {
        var (refCode, refOut, _) = await DaemonProcess.RunAtAsync(RealNatsServer.Binary, "--help");
        var (code, stdout, _) = await DaemonProcess.RunAsync("--help");
        Assert.Equal((0, 0), (refCode, code));
        Assert.Equal(refOut.Replace("nats-server", "natssharp", StringComparison.Ordinal), stdout);
    }

    [Theory]
    [InlineData("reload=abc", "natssharp: invalid pid: abc")]
    [InlineData("bogus=7778", "natssharp: unknown signal \"bogus\"")]
    [InlineData("reload=1=2", "natssharp: invalid signal parameters: [2]")]
    [InlineData("reload=999999999", "natssharp: no such process")]
    public async Task Sl_errors_read_like_nats_server(string argument, string message)
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("-sl", argument);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public async Task Sl_with_a_pid_file_holding_garbage_names_the_contents()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("natssharp-ops-").FullName, "bad.pid");
        await File.WriteAllTextAsync(file, "garbage");
        var (code, _, stderr) = await DaemonProcess.RunAsync("-sl", "reload=" + file);
        Assert.Equal(1, code);
        Assert.Contains("natssharp: invalid pid: garbage", stderr);
    }

    [Fact]
    public async Task Sl_quit_stops_gracefully_and_removes_the_pid_file()
    {
        Running s = await StartAsync("");
        await using DaemonProcess d = s.Process;
        Assert.Equal(d.Pid.ToString(CultureInfo.InvariantCulture), await File.ReadAllTextAsync(s.PidFile));
        await SignalCommandAsync("quit=" + s.PidFile);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.False(File.Exists(s.PidFile));
        Assert.Empty(Directory.GetFiles(s.Dir, "*.ports"));
    }

    [Fact]
    public async Task Sl_stop_kills_the_process()
    {
        Running s = await StartAsync("");
        await using DaemonProcess d = s.Process;
        await SignalCommandAsync("stop=" + s.PidFile);
        Assert.Equal(137, await d.WaitForExitAsync());
    }
}
