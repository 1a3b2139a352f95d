using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>The natssharp executable: nats-server's command line, files, signals and exit codes.</summary>
public class DaemonTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    [Fact]
    public async Task Version_prints_the_compatible_and_product_versions()
    {
        var (code, stdout, _) = await DaemonProcess.RunAsync("-v");
        Assert.Equal(0, code);
        Assert.Matches(@"^natssharp: v2\.9\.10 \(NatsSharp \d+\.\d+\.\d+\)", stdout);
    }

    [Fact]
    public async Task Help_is_laid_out_like_nats_server()
    {
        var (code, stdout, _) = await DaemonProcess.RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage: natssharp [options]", stdout);
        Assert.Contains("    -p, --port <port>                Use port for clients (default: 4222)", stdout);
        Assert.Contains("        --ports_file_dir <dir>", stdout);
    }

    [Fact]
    public async Task Unknown_flag_prints_the_error_and_usage()
    {
        var (code, stdout, stderr) = await DaemonProcess.RunAsync("-bogus");
        Assert.Equal(0, code);
        Assert.Contains("flag provided but not defined: -bogus", stderr);
        Assert.Contains("Usage: natssharp [options]", stdout);
    }

    [Fact]
    public async Task Unknown_command_word_fails()
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("foo");
        Assert.Equal(1, code);
        Assert.Contains("natssharp: unrecognized command: \"foo\"", stderr);
    }

    [Fact]
    public async Task Runs_writes_pid_and_ports_files_and_stops_on_sigint_with_code_0()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-daemon-").FullName;
        string pidFile = Path.Combine(dir, "ns.pid");
        await using DaemonProcess d = DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir, "-P", pidFile, "-D");
        string portsFile = Path.Combine(dir, $"natssharp_{d.Pid}.ports");
        await Eventually.TrueAsync(() => File.Exists(portsFile) && File.Exists(pidFile), "ports and pid files", TimeSpan.FromSeconds(15));

        Assert.Equal(d.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), await File.ReadAllTextAsync(pidFile));
        using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile)))
        {
            string url = ports.RootElement.GetProperty("nats")[0].GetString()!;
            Assert.StartsWith("nats://127.0.0.1:", url);
            await using RawClient c = await RawClient.ConnectedAsync(new Uri(url).Port);
        }

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.False(File.Exists(portsFile), "the ports file is removed at exit");
        Assert.False(File.Exists(pidFile), "the pid file is removed at exit");
        Assert.Matches(@"\[\d+\] \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} \[INF\] Starting nats-server", d.Stderr);
        Assert.Contains("[INF] Listening for client connections on 127.0.0.1:", d.Stderr);
        Assert.Contains("[DBG] Trapped \"interrupt\" signal", d.Stderr);
        Assert.Contains("[INF] Server Exiting..", d.Stderr);
    }

    [Fact]
    public async Task Sigterm_stops_with_code_1()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-daemon-").FullName;
        await using DaemonProcess d = DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1, "the ports file", TimeSpan.FromSeconds(15));
        d.Signal(SigTerm);
        Assert.Equal(1, await d.WaitForExitAsync());
    }

    /// <summary>NATS.Net's test harness runs "nats-server -a 127.0.0.1 -p -1 -m -1 -js --ports_file_dir DIR".</summary>
    [Fact]
    public async Task Invoked_as_nats_server_it_writes_the_ports_file_a_harness_expects()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-harness-").FullName;
        string alias = Path.Combine(dir, "nats-server");
        File.CreateSymbolicLink(alias, DaemonProcess.AppHost);
        await using DaemonProcess d = DaemonProcess.StartAt(alias, "-a", "127.0.0.1", "-p", "-1", "-m", "-1", "-js", "--ports_file_dir", dir);
        string portsFile = Path.Combine(dir, $"nats-server_{d.Pid}.ports");
        await Eventually.TrueAsync(() => File.Exists(portsFile), "nats-server_<pid>.ports", TimeSpan.FromSeconds(15));
        using JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile));
        int port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
        await using RawClient c = await RawClient.ConnectedAsync(port);
        Assert.Contains("JetStream", d.Stderr); // the clear warning that JetStream is not available
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
    }

    [Fact]
    public async Task Flags_in_go_style_forms_are_accepted()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-flags-").FullName;
        await using DaemonProcess d = DaemonProcess.Start("--addr=127.0.0.1", "--port", "-1", "-ports_file_dir=" + dir, "-T=false", "--name", "flagged");
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1, "the ports file", TimeSpan.FromSeconds(15));
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.Matches(@"\[\d+\] \[INF\] Starting nats-server", d.Stderr); // -T=false drops the timestamp
        Assert.Contains("Name:     flagged", d.Stderr);
    }

    [Fact]
    public async Task Port_in_use_is_fatal_with_code_1()
    {
        await using var other = await TestServer.StartAsync();
        var (code, _, stderr) = await DaemonProcess.RunAsync("-a", "127.0.0.1", "-p", other.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, code);
        Assert.Contains($"[FTL] Error listening on port: 127.0.0.1:{other.Port}", stderr);
    }

    [Fact]
    public async Task Trace_and_log_file_show_protocol_traffic_with_the_password_redacted()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-log-").FullName;
        string logFile = Path.Combine(dir, "ns.log");
        await using DaemonProcess d = DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir, "-DV", "-l", logFile);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1, "the ports file", TimeSpan.FromSeconds(15));
        using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0])))
        {
            int port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
            await using RawClient c = await RawClient.ConnectAsync(port);
            await c.SendAsync("CONNECT {\"verbose\":false,\"user\":\"x\",\"pass\":\"hunter2\",\"name\":\"demo\",\"lang\":\"raw\",\"version\":\"0.1\"}\r\nSUB foo.* q 1\r\nPUB foo.bar reply 11\r\nhello world\r\nPING\r\n");
            await c.ExpectAsync("MSG foo.bar 1 reply 11");
            await c.ExpectAsync("hello world");
            await c.ExpectAsync("PONG");
        }

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        string log = await File.ReadAllTextAsync(logFile);
        Assert.Contains("[DBG] 127.0.0.1:", log);
        Assert.Contains(" - Client connection created", log);
        Assert.Contains("<<- [CONNECT {\"verbose\":false,\"user\":\"x\",\"pass\":\"[REDACTED]\"", log);
        Assert.DoesNotContain("hunter2", log);
        Assert.Contains("- \"v0.1:raw:demo\" - <<- [SUB foo.* q 1]", log);
        Assert.Contains("<<- [PUB foo.bar reply 11]", log);
        Assert.Contains("<<- MSG_PAYLOAD: [\"hello world\"]", log);
        Assert.Contains("->> [MSG foo.bar 1 reply 11]", log);
        Assert.Contains("->> [PONG]", log);
    }

    [Fact]
    public async Task Test_config_flag_reports_valid_and_invalid_files()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-conf-").FullName;
        string good = Path.Combine(dir, "good.conf");
        await File.WriteAllTextAsync(good, "port: 4333\nmax_payload: 2MB\n");
        var (code, _, stderr) = await DaemonProcess.RunAsync("-t", "-c", good);
        Assert.Equal(0, code);
        Assert.Contains($"natssharp: configuration file {good} is valid", stderr);

        string bad = Path.Combine(dir, "bad.conf");
        await File.WriteAllTextAsync(bad, "port: 4333\nbogus_key: 1\n");
        (code, _, stderr) = await DaemonProcess.RunAsync("-t", "-c", bad);
        Assert.Equal(1, code);
        Assert.Contains($"natssharp: {bad}:2:1: unknown field \"bogus_key\"", stderr);
    }

    [Fact]
    public async Task Config_file_is_applied_and_flags_win_over_it()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-conf-").FullName;
        string conf = Path.Combine(dir, "server.conf");
        await File.WriteAllTextAsync(conf, "listen: 127.0.0.1:1\nserver_name: fromconfig\nmax_payload: 100\n");
        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1, "the ports file", TimeSpan.FromSeconds(15));
        using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0])))
        {
            int port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
            await using RawClient c = await RawClient.ConnectAsync(port);
            Assert.Contains("\"server_name\":\"fromconfig\"", c.Info);
            Assert.Contains("\"max_payload\":100", c.Info);
        }

        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());
        Assert.Contains($"Using configuration file: {conf}", d.Stderr);
    }

    [Fact]
    public async Task A_bad_config_file_refuses_to_start()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-conf-").FullName;
        string conf = Path.Combine(dir, "broken.conf");
        await File.WriteAllTextAsync(conf, "port: 4333 debug: true\n");
        var (code, _, stderr) = await DaemonProcess.RunAsync("-c", conf);
        Assert.Equal(1, code);
        Assert.Contains("natssharp: Parse error on line 1:", stderr);
    }
}
