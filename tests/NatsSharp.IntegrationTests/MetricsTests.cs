using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The server's <see cref="Meter"/> read in-process, <c>/metrics</c> in the Prometheus text format, and a
/// real Prometheus (Debian's package) scraping it. nats-server has no such endpoint: nothing to compare.
/// </summary>
public class MetricsTests
{
    private const string PrometheusBinary = "/usr/bin/prometheus";

    [Fact]
    public async Task The_meter_reads_the_servers_counters_in_process()
    {
        await using TestServer server = await TestServer.StartAsync();
        await using RawClient c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("SUB x 1\r\nPUB x 5\r\nhello\r\nPING\r\n");
        await c.ExpectAsync("MSG x 1 5");

        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, server.Server.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            string kind = "";
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                kind += tag.Key == "kind" ? "/" + tag.Value : "";
            }

            seen[i.Name + kind] = seen.GetValueOrDefault(i.Name + kind) + v;
        });
        listener.Start();
        listener.RecordObservableInstruments();

        Assert.Equal("NatsSharp.Server", server.Server.Meter.Name);
        Assert.Equal(1, seen["nats.in.messages"]);
        Assert.Equal(5, seen["nats.in.bytes"]);
        Assert.Equal(1, seen["nats.connections/client"]);
        Assert.Equal(0, seen["nats.connections/route"]);
        Assert.Equal(1, seen["nats.subscriptions"]);
    }

    [Fact]
    public async Task Metrics_endpoint_serves_the_prometheus_text_format()
    {
        await using TestServer server = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);
        await using RawClient c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("PUB x 3\r\nabc\r\nPING\r\n");
        await c.ExpectAsync("PONG");

        using var http = new HttpClient();
        using HttpResponseMessage response = await http.GetAsync($"http://127.0.0.1:{server.Server.MonitorPort}/metrics");
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("# TYPE natssharp_in_messages_total counter\nnatssharp_in_messages_total 1\n", text);
        Assert.Contains("natssharp_in_bytes_total 3\n", text);
        Assert.Contains("# TYPE natssharp_connections gauge\n", text);
        Assert.Contains("natssharp_connections{kind=\"client\"} 1\n", text);
        Assert.Contains("natssharp_account_connections{account=\"$G\",kind=\"client\"} 1\n", text);
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_metrics()
    {
        Assert.True(File.Exists(PrometheusBinary), $"{PrometheusBinary} is missing: run scripts/install-test-peers.sh (Debian package prometheus)");
        await using TestServer server = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);
        await using RawClient c = await RawClient.ConnectedAsync(server.Port);
        await c.SendAsync("PUB x 3\r\nabc\r\nPUB x 3\r\nabc\r\nPING\r\n");
        await c.ExpectAsync("PONG");

        string dir = Directory.CreateTempSubdirectory("natssharp-prom-").FullName;
        string config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: natssharp
                static_configs:
                  - targets: ["127.0.0.1:{server.Server.MonitorPort}"]
            """);
        int port = FreePort.Next();
        using var prometheus = Process.Start(new ProcessStartInfo(PrometheusBinary)
        {
            ArgumentList =
            {
                "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(dir, "data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            double value = -1;
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        string json = await http.GetStringAsync($"http://127.0.0.1:{port}/api/v1/query?query=natssharp_in_messages_total");
                        using JsonDocument doc = JsonDocument.Parse(json);
                        JsonElement result = doc.RootElement.GetProperty("data").GetProperty("result");
                        if (result.GetArrayLength() == 0)
                        {
                            return false;
                        }

                        value = double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
                        return true;
                    }
                    catch (HttpRequestException)
                    {
                        return false; // not listening yet
                    }
                },
                "prometheus to have scraped natssharp_in_messages_total",
                TimeSpan.FromSeconds(60),
                TimeSpan.FromMilliseconds(250));
            Assert.Equal(2, value);
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
