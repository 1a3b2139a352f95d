using System.Globalization;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// <c>--log_format json</c> / <c>log_format: json</c> (a NatsSharp extension): one JSON object per
/// line, Serilog's compact format (<c>@t</c>, <c>@m</c>, <c>@l</c>) plus nats-server's label as <c>lvl</c>.
/// </summary>
public class DaemonLogFormatTests
{
    private static readonly string[] Levels = ["TRC", "DBG", "INF", "WRN", "ERR", "FTL"];

    private const int SigHup = 1;
    private const int SigInt = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Json_log_file_has_one_object_per_line_with_timestamp_level_and_message()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-json-").FullName;
        string logFile = Path.Combine(dir, "ns.log");
        await using DaemonProcess d = DaemonProcess.Start("-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir, "-D", "-l", logFile, "--log_format", "json");
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, "the ports file (signals are handled)", Bound);
        Assert.Contains("Server is ready", await File.ReadAllTextAsync(logFile));
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());

        List<JsonElement> lines = ParseLines(await File.ReadAllTextAsync(logFile));
        JsonElement ready = Assert.Single(lines, l => l.GetProperty("@m").GetString() == "Server is ready");
        Assert.Equal("INF", ready.GetProperty("lvl").GetString());
        Assert.False(ready.TryGetProperty("@l", out _), "Information is the compact format's default level");
        JsonElement trapped = Assert.Single(lines, l => l.GetProperty("@m").GetString() == "Trapped \"interrupt\" signal");
        Assert.Equal(("DBG", "Debug"), (trapped.GetProperty("lvl").GetString(), trapped.GetProperty("@l").GetString()));
        Assert.Contains(lines, l => l.GetProperty("@m").GetString() == "Server Exiting..");
        Assert.Empty(d.Stderr.Trim()); // the file replaces stderr
    }

    [Fact]
    public async Task Json_on_stderr_from_the_config_keeps_traced_protocol_text_intact()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-json-").FullName;
        string conf = Path.Combine(dir, "server.conf");
        await File.WriteAllTextAsync(conf, "log_format: json\ntrace: true\n");
        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        int port = await d.ClientPortAsync(dir, Bound);
        await using (RawClient c = await RawClient.ConnectAsync(port))
        {
            await c.SendAsync("CONNECT {\"verbose\":false,\"name\":\"a {b} c\"}\r\nPING\r\n");
            await c.ExpectAsync("PONG");
        }

        await Eventually.TrueAsync(() => d.Stderr.Contains("->> [PONG]"), "the traced PONG", Bound);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());

        List<JsonElement> lines = ParseLines(d.Stderr);
        JsonElement connect = Assert.Single(lines, l => l.GetProperty("@m").GetString()!.Contains("<<- [CONNECT", StringComparison.Ordinal));
        Assert.EndsWith("<<- [CONNECT {\"verbose\":false,\"name\":\"a {b} c\"}]", connect.GetProperty("@m").GetString());
        Assert.Equal(("TRC", "Verbose"), (connect.GetProperty("lvl").GetString(), connect.GetProperty("@l").GetString()));
    }

    [Fact]
    public async Task Reload_switches_the_log_file_from_text_to_json()
    {
        string dir = Directory.CreateTempSubdirectory("natssharp-json-").FullName;
        string conf = Path.Combine(dir, "server.conf");
        string logFile = Path.Combine(dir, "ns.log");
        await File.WriteAllTextAsync(conf, $"log_file: \"{logFile}\"\n");
        await using DaemonProcess d = DaemonProcess.Start("-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, "the ports file (signals are handled)", Bound);

        await File.WriteAllTextAsync(conf, $"log_file: \"{logFile}\"\nlog_format: json\n");
        d.Signal(SigHup);
        await Eventually.TrueAsync(() => File.ReadAllText(logFile).Contains("\"@m\":\"Reloaded server configuration\""), "the reload line in JSON", Bound);
        d.Signal(SigInt);
        Assert.Equal(0, await d.WaitForExitAsync());

        string[] all = await File.ReadAllLinesAsync(logFile);
        Assert.Matches(@"^\[\d+\] \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} \[INF\] Server is ready$", all.First(l => l.Contains("Server is ready", StringComparison.Ordinal)));
        List<JsonElement> json = ParseLines(string.Join('\n', all.SkipWhile(l => !l.StartsWith('{'))));
        Assert.Contains(json, l => l.GetProperty("@m").GetString() == "Reloaded: log_format = json");
        Assert.Contains(json, l => l.GetProperty("@m").GetString() == "Server Exiting..");
    }

    [Fact]
    public async Task An_unknown_log_format_is_a_flag_error()
    {
        var (code, _, stderr) = await DaemonProcess.RunAsync("--log_format", "xml");
        Assert.Equal(2, code);
        Assert.Contains("invalid value \"xml\" for flag -log_format: parse error", stderr);
    }

    /// <summary>Every non-empty line parses as a JSON object with a UTC timestamp, a message and a label.</summary>
    private static List<JsonElement> ParseLines(string text)
    {
        var result = new List<JsonElement>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using JsonDocument doc = JsonDocument.Parse(line);
            JsonElement e = doc.RootElement.Clone();
            Assert.Equal(JsonValueKind.Object, e.ValueKind);
            Assert.True(DateTimeOffset.TryParse(e.GetProperty("@t").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _), line);
            Assert.Equal(JsonValueKind.String, e.GetProperty("@m").ValueKind);
            Assert.Contains(e.GetProperty("lvl").GetString(), Levels);
            result.Add(e);
        }

        return result;
    }
}
