using System.Diagnostics;
using NatsSharp.IntegrationTests.Infrastructure;
using NatsSharp.IntegrationTests.Security;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The official websocket client (nats.ws, what browsers use) in Node against NatsSharp's websocket
/// port, and against nats-server's to prove the program itself is right. Fails with the install
/// command when Node or npm is missing.
/// </summary>
public class WebSocketJsClientTests
{
    private static readonly Lazy<Task<string>> Client = new(InstallAsync);

    [Fact]
    public async Task Nats_ws_works_against_natssharp_and_nats_server()
    {
        string script = await Client.Value;
        int ours = FreePort.Next();
        await using var server = await ConfiguredServer.StartAsync($"websocket {{ listen: \"127.0.0.1:{ours}\", no_tls: true }}\n");
        Assert.StartsWith("OK", await RunAsync(script, $"ws://127.0.0.1:{ours}"));

        int theirs = FreePort.Next();
        await using var real = await ConfiguredServer.StartRealAsync($"websocket {{ listen: \"127.0.0.1:{theirs}\", no_tls: true }}\n");
        Assert.StartsWith("OK", await RunAsync(script, $"ws://127.0.0.1:{theirs}"));
    }

    private static async Task<string> InstallAsync()
    {
        if (!File.Exists("/usr/bin/node"))
        {
            throw new InvalidOperationException("MISSING PEER: /usr/bin/node is not installed (apt-get install -y nodejs).");
        }

        string dir = Path.Combine(AppContext.BaseDirectory, "WsJsClient");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "nats.ws")) || !Directory.Exists(Path.Combine(dir, "node_modules", "ws")))
        {
            // npm's registry is one of the registries this project may use.
            using Process npm = Process.Start(new ProcessStartInfo("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"])
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            Task<string> stdout = npm.StandardOutput.ReadToEndAsync();
            Task<string> stderr = npm.StandardError.ReadToEndAsync();
            await npm.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(npm.ExitCode == 0, $"MISSING PEER: npm install nats.ws failed: {await stdout} {await stderr}");
        }

        return Path.Combine(dir, "client.mjs");
    }

    private static async Task<string> RunAsync(string script, string url)
    {
        // Node's own WebSocket (22+) or the "ws" package (client.mjs picks).
        using Process run = Process.Start(new ProcessStartInfo("/usr/bin/node", [script, url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Task<string> stdout = run.StandardOutput.ReadToEndAsync();
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        string output = await stdout;
        Assert.True(run.ExitCode == 0, $"nats.ws client against {url} failed: {output} {await stderr}");
        return output;
    }
}
