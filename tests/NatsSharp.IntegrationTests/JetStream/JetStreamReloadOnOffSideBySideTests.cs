using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// A reload that turns JetStream on, off and on again, run against the real nats-server 2.9.10 and natssharp:
/// the same log lines, INFO flag, API answers (none while off: the accounts' requests are dropped, a stream's
/// subject gets 503), /jsz and /healthz. Where nats-server 2.9.10 fails (its accounts get their streams back
/// only at a restart) natssharp recovers them from the store directory: nothing acknowledged is lost.
/// </summary>
public sealed class JetStreamReloadOnOffSideBySideTests
{
    private const int SigHup = 1;

    private static readonly string[] JetStreamLines =
        ["Reloaded: JetStream", "Restarting JetStream", "Starting JetStream", "Initiating JetStream Shutdown...", "JetStream Shutdown"];

    [Fact]
    public async Task Reload_turns_jetstream_on_and_off_as_nats_server_does()
    {
        (List<string> expected, string expectedAfter) = await RunAsync(RealNatsServer.Binary);
        (List<string> actual, string actualAfter) = await RunAsync(DaemonProcess.AppHost);
        Assert.Equal(expected, actual);
        Assert.Contains("log: Restarting JetStream", expected);
        Assert.Contains("log: Initiating JetStream Shutdown...", expected);
        Assert.Contains("info while off: PONG", expected);
        Assert.Contains("publish while off: HMSG NATS/1.0 503||", expected);
        Assert.Contains("jsz: disabled True, config True", expected);
        Assert.Contains("ack: S 3", expected);

        // On again: nats-server 2.9.10 answers for the account but lost track of its streams until a restart
        // (docs/compatibility.md); natssharp reopened the stream with every acknowledged message.
        Assert.Equal("stream not found", expectedAfter);
        Assert.Equal("messages 3: one two three", actualAfter);
    }

    [Fact]
    public async Task Reload_turning_jetstream_off_silences_every_account_and_on_brings_back_their_limits()
    {
        (List<string> expected, string expectedAfter) = await RunAccountsAsync(RealNatsServer.Binary);
        (List<string> actual, string actualAfter) = await RunAccountsAsync(DaemonProcess.AppHost);
        Assert.Equal(expected, actual);
        Assert.Contains("c off: PONG", expected);
        Assert.Contains("b on: max_memory 1000000", expected);
        Assert.Contains("c on: JetStream not enabled for account", expected);
        Assert.Equal("a: stream not found, b: stream not found", expectedAfter);
        Assert.Equal("a: messages 1, b: messages 1", actualAfter);
    }

    /// <summary>Accounts A (JetStream), B (JetStream with limits) and C (none): on at start, off, on again.</summary>
    private static async Task<(List<string> Trace, string AfterReEnable)> RunAccountsAsync(string executable)
    {
        var trace = new List<string>();
        string dir = Directory.CreateTempSubdirectory("js-onoff-acc-").FullName;
        try
        {
            const string Accounts = """
                accounts {
                  A { jetstream: enabled, users [{user: a, password: p}] }
                  B { jetstream { max_mem: 1M, max_file: 10M }, users [{user: b, password: p}] }
                  C { users [{user: c, password: p}] }
                }

                """;
            string conf = Path.Combine(dir, "js.conf");
            string on = $"jetstream {{ store_dir: \"{dir}/sd\" }}\n" + Accounts;
            string off = "jetstream: disabled\n" + Accounts;
            await File.WriteAllTextAsync(conf, on);
            await using DaemonProcess d = DaemonProcess.StartAt(executable, "-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
            await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, $"{executable}'s ports file", TimeSpan.FromSeconds(15));
            Assert.False(d.HasExited, $"{executable} did not start: {d.Stderr}");
            int port;
            using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0])))
            {
                port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
            }

            foreach (string user in new[] { "a", "b" })
            {
                await using RawClient c = await ClientAsync(port, trace, user);
                trace.Add($"{user} create: " + Field(await RequestAsync(c, "$JS.API.STREAM.CREATE.S", "{\"name\":\"S\",\"subjects\":[\"s\"],\"storage\":\"file\"}"), "type"));
                using JsonDocument ack = JsonDocument.Parse(await StreamPublish.WithIdAsync(c, "s", "_R.1", user));
                trace.Add($"{user} ack: {ack.RootElement.GetProperty("seq").GetInt32()}");
            }

            await ReloadAsync(d, conf, off, trace);
            foreach (string user in new[] { "a", "b", "c" })
            {
                await using RawClient c = await ClientAsync(port, trace, user);
                await c.SendAsync("PUB $JS.API.INFO _R.silent 0\r\n\r\nPING\r\n");
                trace.Add($"{user} off: " + await c.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15)));
            }

            await ReloadAsync(d, conf, on, trace);
            var after = new List<string>();
            foreach (string user in new[] { "a", "b", "c" })
            {
                await using RawClient c = await ClientAsync(port, trace, user);
                using JsonDocument info = JsonDocument.Parse(await RequestAsync(c, "$JS.API.INFO", ""));
                trace.Add($"{user} on: " + (info.RootElement.TryGetProperty("error", out JsonElement e)
                    ? e.GetProperty("description").GetString()
                    : "max_memory " + info.RootElement.GetProperty("limits").GetProperty("max_memory").GetInt64()));
                if (user != "c")
                {
                    using JsonDocument stream = JsonDocument.Parse(await RequestAsync(c, "$JS.API.STREAM.INFO.S", ""));
                    after.Add($"{user}: " + (stream.RootElement.TryGetProperty("error", out JsonElement se)
                        ? se.GetProperty("description").GetString()
                        : "messages " + stream.RootElement.GetProperty("state").GetProperty("messages").GetInt32()));
                }
            }

            Assert.False(d.HasExited);
            return (trace, string.Join(", ", after));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Off at start, on, a stream with 3 acknowledged messages, off, on again; what a client and the monitor see at each step.</summary>
    private static async Task<(List<string> Trace, string AfterReEnable)> RunAsync(string executable)
    {
        var trace = new List<string>();
        string dir = Directory.CreateTempSubdirectory("js-onoff-").FullName;
        try
        {
            string conf = Path.Combine(dir, "js.conf");
            string off = $"jetstream {{ store_dir: \"{dir}/sd\", enabled: false }}\n";
            string on = $"jetstream {{ store_dir: \"{dir}/sd\" }}\n";
            await File.WriteAllTextAsync(conf, off);
            await using DaemonProcess d = DaemonProcess.StartAt(executable, "-c", conf, "-a", "127.0.0.1", "-p", "-1", "-m", "-1", "--ports_file_dir", dir);
            await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, $"{executable}'s ports file", TimeSpan.FromSeconds(15));
            Assert.False(d.HasExited, $"{executable} did not start: {d.Stderr}");
            int port, monitorPort;
            using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0])))
            {
                port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
                monitorPort = new Uri(ports.RootElement.GetProperty("monitoring")[0].GetString()!).Port;
            }

            using var http = new MonitorHttp(monitorPort);
            await ReloadAsync(d, conf, on, trace);
            await using (RawClient c = await ClientAsync(port, trace))
            {
                trace.Add("info: " + Field(await RequestAsync(c, "$JS.API.INFO", ""), "type"));
                trace.Add("create: " + Field(await RequestAsync(c, "$JS.API.STREAM.CREATE.S", "{\"name\":\"S\",\"subjects\":[\"s\"],\"storage\":\"file\"}"), "type"));
                foreach (string payload in new[] { "one", "two", "three" })
                {
                    using JsonDocument ack = JsonDocument.Parse(await StreamPublish.WithIdAsync(c, "s", "_R.1", payload));
                    trace.Add($"ack: {ack.RootElement.GetProperty("stream").GetString()} {ack.RootElement.GetProperty("seq").GetInt32()}");
                }

                JsonElement varz = (await http.JsonAsync("/varz")).GetProperty("jetstream");
                trace.Add($"varz: config {varz.TryGetProperty("config", out _)}, stats {varz.TryGetProperty("stats", out _)}");
            }

            await MonitorAsync(http, trace);

            await ReloadAsync(d, conf, off, trace);
            await using (RawClient c = await ClientAsync(port, trace))
            {
                // Dropped: a PING after the request gets its PONG with nothing before it (a 503 would come first).
                await c.SendAsync("PUB $JS.API.INFO _R.silent 0\r\n\r\nPING\r\n");
                trace.Add("info while off: " + await c.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15)));
                trace.Add("publish while off: " + await RequestAsync(c, "s", "four"));
            }

            await MonitorAsync(http, trace);

            await ReloadAsync(d, conf, on, trace);
            string after;
            await using (RawClient c = await ClientAsync(port, trace))
            {
                trace.Add("info: " + Field(await RequestAsync(c, "$JS.API.INFO", ""), "type"));
                string info = await RequestAsync(c, "$JS.API.STREAM.INFO.S", "");
                using JsonDocument doc = JsonDocument.Parse(info);
                if (doc.RootElement.TryGetProperty("error", out JsonElement error))
                {
                    after = error.GetProperty("description").GetString()!;
                }
                else
                {
                    var payloads = new List<string>();
                    for (int seq = 1; seq <= 3; seq++)
                    {
                        using JsonDocument msg = JsonDocument.Parse(await RequestAsync(c, "$JS.API.STREAM.MSG.GET.S", $"{{\"seq\":{seq}}}"));
                        payloads.Add(Encoding.UTF8.GetString(msg.RootElement.GetProperty("message").GetProperty("data").GetBytesFromBase64()));
                    }

                    after = $"messages {doc.RootElement.GetProperty("state").GetProperty("messages").GetInt32()}: {string.Join(' ', payloads)}";
                }
            }

            await MonitorAsync(http, trace);
            Assert.False(d.HasExited);
            return (trace, after);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Writes the config, sends SIGHUP and records the JetStream lines the reload logged.</summary>
    private static async Task ReloadAsync(DaemonProcess d, string conf, string text, List<string> trace)
    {
        int before = Count(d.Stderr);
        await File.WriteAllTextAsync(conf, text);
        d.Signal(SigHup);
        await Eventually.TrueAsync(() => Count(d.Stderr) > before || d.Stderr.Contains("Failed to reload", StringComparison.Ordinal), "the reload", TimeSpan.FromSeconds(20));
        List<string> lines = [.. d.Stderr.Split('\n')];
        foreach (string line in lines.Skip(IndexAfter(lines, before)))
        {
            int at = line.IndexOf("[INF] ", StringComparison.Ordinal);
            if (at >= 0 && JetStreamLines.Contains(line[(at + 6)..].TrimEnd('\r')))
            {
                trace.Add("log: " + line[(at + 6)..].TrimEnd('\r'));
            }
        }

        static int Count(string log) => log.Split("Reloaded server configuration").Length - 1;
    }

    /// <summary>The index of the line after the <paramref name="reloads"/>-th "Reloaded server configuration".</summary>
    private static int IndexAfter(List<string> lines, int reloads)
    {
        int seen = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (seen == reloads)
            {
                return i;
            }

            if (lines[i].Contains("Reloaded server configuration", StringComparison.Ordinal))
            {
                seen++;
            }
        }

        return lines.Count;
    }

    private static async Task<RawClient> ClientAsync(int port, List<string> trace, string? user = null)
    {
        string auth = user is null ? "" : $",\"user\":\"{user}\",\"pass\":\"p\"";
        RawClient c = await RawClient.ConnectedAsync(port, $"{{\"verbose\":false,\"headers\":true,\"no_responders\":true{auth}}}");
        await c.SendAsync("SUB _R.* 1\r\n");
        trace.Add($"{user} INFO jetstream: " + (c.Info.Contains("\"jetstream\":true", StringComparison.Ordinal) ? "true" : "absent"));
        return c;
    }

    private static async Task MonitorAsync(MonitorHttp http, List<string> trace)
    {
        JsonElement jsz = await http.JsonAsync("/jsz");
        trace.Add($"jsz: disabled {jsz.TryGetProperty("disabled", out JsonElement disabled) && disabled.GetBoolean()}, config {jsz.TryGetProperty("config", out _)}");
        trace.Add("healthz: " + (await http.GetAsync("/healthz")).Body);
        trace.Add("healthz js-enabled-only: " + (await http.GetAsync("/healthz?js-enabled-only=true")).Body);
    }

    /// <summary>Publishes with a reply and returns the answer's payload, or "HMSG " and its headers for a status.</summary>
    private static async Task<string> RequestAsync(RawClient client, string subject, string payload)
    {
        await client.SendAsync($"PUB {subject} _R.1 {Encoding.UTF8.GetByteCount(payload)}\r\n{payload}\r\n");
        string line = await client.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15));
        string[] parts = line.Split(' ');
        if (parts[0] == "HMSG")
        {
            string headers = await client.ReadPayloadAsync(int.Parse(parts[^1]), TimeSpan.FromSeconds(15));
            return "HMSG " + headers.Replace("\r\n", "|", StringComparison.Ordinal);
        }

        Assert.StartsWith("MSG _R.1 1 ", line, StringComparison.Ordinal);
        return await client.ReadPayloadAsync(int.Parse(parts[^1]), TimeSpan.FromSeconds(15));
    }

    private static string Field(string json, string name)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty(name).GetString()!;
    }
}
