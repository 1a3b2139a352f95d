using System.Net;
using Microsoft.Playwright;
using NATS.Client;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.Server;

namespace NatsSharp.IntegrationTests;

/// <summary>The live dashboard at the monitoring root, in Debian's headless chromium driven by Playwright.</summary>
public class DashboardTests
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static string Chromium =>
        File.Exists(ChromiumPath)
            ? ChromiumPath
            : throw new InvalidOperationException(
                $"MISSING PEER: chromium is not installed at {ChromiumPath} (apt-get install -y chromium). " +
                "The dashboard test drives it through Playwright and never downloads a browser.");

    [Fact]
    public async Task Dashboard_lists_the_endpoints_and_draws_live_charts_while_traffic_flows()
    {
        string chromium = Chromium;
        await using TestServer server = await TestServer.StartAsync(o => o.HttpPort = ServerOptions.RandomPort);
        string root = $"http://127.0.0.1:{server.Server.MonitorPort}/";

        // The page itself: HTML, with nats-server's endpoint links.
        using (var http = new MonitorHttp(server.Server.MonitorPort))
        {
            var (status, type, body) = await http.GetAsync("/");
            Assert.Equal((HttpStatusCode.OK, "text/html; charset=utf-8"), (status, type));
            foreach (string endpoint in new[] { "varz", "connz", "accountz", "subsz", "routez", "leafz", "gatewayz", "healthz" })
            {
                Assert.Contains($"href=\"/{endpoint}\"", body);
            }
        }

        // Traffic: a subscriber that drains and a publisher that runs until the test ends (bounded).
        using IConnection sub = Connect(server, "dash-subscriber");
        using IConnection pub = Connect(server, "dash-publisher");
        using IAsyncSubscription s = sub.SubscribeAsync("dash.>", (_, _) => { });
        sub.Flush();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Task traffic = Task.Run(async () =>
        {
            byte[] payload = new byte[128];
            for (int i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
            {
                for (int k = 0; k < 50; k++)
                {
                    pub.Publish("dash.load", payload);
                }

                pub.Flush();
                await Task.Delay(20);
            }
        });

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(root);
        Assert.Equal("NatsSharp monitoring", await page.TitleAsync());

        // Refreshes every second: wait for several updates, then for more while traffic flows.
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.updates || 0) >= 4", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        int before = int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.updates"), System.Globalization.CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync($"() => Number(document.body.dataset.updates) >= {before + 2}", null, new PageWaitForFunctionOptions { Timeout = 30_000 });

        // The charts hold points and a scale above zero: messages were counted per second.
        foreach (string chart in new[] { "chart-msgs", "chart-bytes", "chart-conns" })
        {
            int points = int.Parse(await page.GetAttributeAsync("#" + chart, "data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(points >= 4, $"{chart} drew {points} points");
        }

        double msgsMax = double.Parse(await page.GetAttributeAsync("#chart-msgs", "data-max") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(msgsMax > 1, $"messages/s chart scale is {msgsMax}: no traffic was charted");

        // The top connections table lists both clients by name.
        string table = await page.InnerTextAsync("#top");
        Assert.Contains("dash-subscriber", table);
        Assert.Contains("dash-publisher", table);
        Assert.Contains("updated", await page.InnerTextAsync("#status"));
        Assert.Empty(errors);

        string dir = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(dir);
        string shot = Path.Combine(dir, "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is empty");

        await stop.CancelAsync();
        await traffic;
    }

    private static IConnection Connect(TestServer server, string name)
    {
        Options options = ConnectionFactory.GetDefaultOptions();
        options.Url = server.Url;
        options.Name = name;
        options.Timeout = 5000;
        return new ConnectionFactory().CreateConnection(options);
    }
}
