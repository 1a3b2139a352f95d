using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// A reload that changes JetStream's limits, store directory or domain while it runs is refused by the real
/// nats-server 2.9.10 and by natssharp with the same error; JetStream keeps working with its streams.
/// </summary>
public sealed class JetStreamReloadSideBySideTests
{
    private const int SigHup = 1;
    private const string Limits = "max_mem: 64MB, max_file: 1GB";

    [Theory]
    [InlineData($"store_dir: \"{{dir}}/s1\", {Limits}", "store_dir: \"{dir}/s1\", max_mem: 32MB, max_file: 1GB", "config reload not supported for jetstream max memory and store")]
    [InlineData($"store_dir: \"{{dir}}/s1\", {Limits}", "store_dir: \"{dir}/s1\", max_mem: 64MB, max_file: 2GB", "config reload not supported for jetstream max memory and store")]
    [InlineData($"store_dir: \"{{dir}}/s1\", {Limits}", $"store_dir: \"{{dir}}/s2\", {Limits}", "config reload not supported for jetstream storage directory")]
    [InlineData($"store_dir: \"{{dir}}/s1\", {Limits}", "store_dir: \"{dir}/s1\"", "config reload not supported for jetstream max memory and max store")]
    [InlineData("store_dir: \"{dir}/s1\"", $"store_dir: \"{{dir}}/s1\", {Limits}", "config reload not supported for jetstream dynamic max memory and store")]
    [InlineData($"store_dir: \"{{dir}}/s1\", {Limits}", Limits, "config reload not supported for jetstream storage dir")]
    [InlineData("store_dir: \"{dir}/s1\", domain: a", "store_dir: \"{dir}/s1\", domain: b", "config reload not supported for JetStreamDomain: old=a, new=b")]
    public async Task Changed_jetstream_settings_are_refused_as_nats_server_does(string before, string after, string error)
    {
        string expected = await RefusedReloadAsync(RealNatsServer.Binary, before, after);
        string actual = await RefusedReloadAsync(DaemonProcess.AppHost, before, after);
        Assert.Equal("[ERR] Failed to reload server configuration: " + error, expected);
        Assert.Equal(expected, actual);
    }

    /// <summary>Starts with <paramref name="before"/>, stores a message, reloads <paramref name="after"/>, and returns the refusal line; JetStream must still store the next message.</summary>
    private static async Task<string> RefusedReloadAsync(string executable, string before, string after)
    {
        string dir = Directory.CreateTempSubdirectory("js-reload-").FullName;
        string conf = Path.Combine(dir, "js.conf");
        await File.WriteAllTextAsync(conf, Block(before, dir));
        await using DaemonProcess d = DaemonProcess.StartAt(executable, "-c", conf, "-a", "127.0.0.1", "-p", "-1", "--ports_file_dir", dir);
        await Eventually.TrueAsync(() => Directory.GetFiles(dir, "*.ports").Length == 1 || d.HasExited, $"{executable}'s ports file", TimeSpan.FromSeconds(15));
        Assert.False(d.HasExited, $"{executable} did not start: {d.Stderr}");
        int port;
        using (JsonDocument ports = JsonDocument.Parse(await File.ReadAllTextAsync(Directory.GetFiles(dir, "*.ports")[0])))
        {
            port = new Uri(ports.RootElement.GetProperty("nats")[0].GetString()!).Port;
        }

        await using RawClient client = await RawClient.ConnectedAsync(port, "{\"verbose\":false,\"headers\":true}");
        await client.SendAsync("SUB _R 1\r\n");
        Assert.Contains("\"name\":\"S\"", await RequestAsync(client, "$JS.API.STREAM.CREATE.S", "{\"name\":\"S\",\"subjects\":[\"s\"],\"storage\":\"file\"}"), StringComparison.Ordinal);
        Assert.Contains("\"seq\":1", await StreamPublish.WithIdAsync(client, "s", "_R", "one"), StringComparison.Ordinal);

        await File.WriteAllTextAsync(conf, Block(after, dir));
        d.Signal(SigHup);
        await Eventually.TrueAsync(
            () => d.Stderr.Contains("Reloaded server configuration") || d.Stderr.Contains("Failed to reload"),
            $"{executable} to reload",
            TimeSpan.FromSeconds(15));

        // The running config stays: the stream is still there and stores the next message.
        Assert.Contains("\"seq\":2", await StreamPublish.WithIdAsync(client, "s", "_R", "two"), StringComparison.Ordinal);
        Assert.False(d.HasExited);
        string line = d.Stderr.Split('\n').Single(l => l.Contains("Failed to reload", StringComparison.Ordinal)).TrimEnd('\r');
        return line[line.IndexOf("[ERR]", StringComparison.Ordinal)..];
    }

    private static string Block(string settings, string dir) => $"jetstream {{ {settings.Replace("{dir}", dir, StringComparison.Ordinal)} }}\n";

    private static async Task<string> RequestAsync(RawClient client, string subject, string payload)
    {
        await client.SendAsync($"PUB {subject} _R {Encoding.UTF8.GetByteCount(payload)}\r\n{payload}\r\n");
        string msg = await client.ReadLineSkippingPingsAsync(TimeSpan.FromSeconds(15));
        Assert.StartsWith("MSG _R 1 ", msg, StringComparison.Ordinal);
        return await client.ReadLineAsync(TimeSpan.FromSeconds(15));
    }
}
