using System.Net;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>The natssharp daemon's monitoring port, started the way client test harnesses start nats-server.</summary>
public class MonitoringDaemonTests
{
    [Fact]
    public async Task Harness_command_line_gives_a_ports_file_with_a_working_healthz()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-mon-").FullName;
        try
        {
            await using DaemonProcess d = DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "-m", "-1", "-js", "--ports_file_dir", dir);
            string portsFile = Path.Combine(dir, $"natssharp_{d.Pid}.ports");
            await Eventually.TrueAsync(() => File.Exists(portsFile) && new FileInfo(portsFile).Length > 0, "the ports file", TimeSpan.FromSeconds(15));

            using JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile));
            string monitorUrl = ports.RootElement.GetProperty("monitoring")[0].GetString()!;
            Assert.StartsWith("http://127.0.0.1:", monitorUrl);
            int port = new Uri(monitorUrl).Port;

            using var http = new MonitorHttp(port);
            Assert.Equal((HttpStatusCode.OK, "application/json", "{\"status\":\"ok\"}"), await http.GetAsync("/healthz"));
            string log = d.Stdout + d.Stderr;
            Assert.Contains($"[INF] Starting http monitor on 127.0.0.1:{port}", log);
            Assert.DoesNotContain("Monitoring is not available", log);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Config_file_http_block_and_base_path_reach_the_monitor()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-monconf-").FullName;
        try
        {
            string conf = Path.Combine(dir, "mon.conf");
            await File.WriteAllTextAsync(conf, "listen: 127.0.0.1:-1\nhttp: 127.0.0.1:-1\nhttp_base_path: /nats\nserver_name: confmon\n");
            await using DaemonProcess d = DaemonProcess.Start("-c", conf, "--ports_file_dir", dir);
            string portsFile = Path.Combine(dir, $"natssharp_{d.Pid}.ports");
            await Eventually.TrueAsync(() => File.Exists(portsFile), "the ports file", TimeSpan.FromSeconds(15));
            using JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(portsFile));
            int port = new Uri(ports.RootElement.GetProperty("monitoring")[0].GetString()!).Port;

            using var http = new MonitorHttp(port);
            JsonElement varz = await http.JsonAsync("/nats/varz");
            Assert.Equal("confmon", varz.GetProperty("server_name").GetString());
            Assert.Equal("/nats", varz.GetProperty("http_base_path").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/varz")).Status);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Https_port_without_a_certificate_is_fatal_with_nats_server_text()
    {
        var (code, stdout, stderr) = await DaemonProcess.RunAsync("-a", "127.0.0.1", "-p", "-1", "-ms", "-1");
        Assert.Equal(1, code);
        Assert.Contains("[FTL] Can't start monitoring: TLS cert and key required for HTTPS", stdout + stderr);
    }
}
