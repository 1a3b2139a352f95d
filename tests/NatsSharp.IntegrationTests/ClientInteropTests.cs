using System.Diagnostics;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The official Go, C and JavaScript clients run the same checks (pub/sub, headers,
/// request/reply, no responders, queue groups) against NatsSharp, and against the real
/// nats-server to prove each program itself is right. A client that is not installed
/// fails its test with the install command.
/// </summary>
public class ClientInteropTests
{
    private static readonly Lazy<Task<string[]>> GoClient = new(BuildGoAsync);
    private static readonly Lazy<Task<string[]>> CClient = new(BuildCAsync);
    private static readonly Lazy<Task<string[]>> JsClient = new(InstallJsAsync);

    public static TheoryData<string> Clients => new() { "go", "c", "js" };

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Client_works_against_natssharp(string client)
    {
        string[] command = await CommandFor(client);
        await using var server = await TestServer.StartAsync();
        Assert.StartsWith("OK", await RunAsync(command, server.Url));
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Client_program_passes_against_the_real_nats_server(string client)
    {
        string[] command = await CommandFor(client);
        await using var reference = await RealNatsServer.StartAsync();
        Assert.StartsWith("OK", await RunAsync(command, $"nats://127.0.0.1:{reference.Port}"));
    }

    private static Task<string[]> CommandFor(string client) => client switch
    {
        "go" => GoClient.Value,
        "c" => CClient.Value,
        _ => JsClient.Value,
    };

    private static async Task<string[]> BuildGoAsync()
    {
        Require("/usr/bin/go", "golang-go");
        Require("/usr/share/gocode/src/github.com/nats-io/nats.go", "golang-github-nats-io-go-nats-dev");
        string root = Directory.CreateTempSubdirectory("natssharp-go-").FullName;
        string package = Path.Combine(root, "src", "goclient");
        Directory.CreateDirectory(package);
        File.Copy(Source("GoClient", "main.go"), Path.Combine(package, "main.go"));
        string output = Path.Combine(root, "goclient");
        await RunToolAsync("/usr/bin/go", ["build", "-o", output, "goclient"], package, new()
        {
            ["GO111MODULE"] = "off",
            ["GOPATH"] = $"{root}:/usr/share/gocode",
            ["GOFLAGS"] = "",
            ["GOCACHE"] = Path.Combine(Path.GetTempPath(), "natssharp-go-cache"),
        });
        return [output];
    }

    private static async Task<string[]> BuildCAsync()
    {
        Require("/usr/include/nats/nats.h", "libnats-dev");
        string output = Path.Combine(Directory.CreateTempSubdirectory("natssharp-c-").FullName, "cclient");
        await RunToolAsync("gcc", ["-o", output, Source("CClient", "cclient.c"), "-lnats"], AppContext.BaseDirectory, []);
        return [output];
    }

    private static async Task<string[]> InstallJsAsync()
    {
        Require("/usr/bin/node", "nodejs");
        string dir = Path.Combine(AppContext.BaseDirectory, "JsClient");
        if (!Directory.Exists(Path.Combine(dir, "node_modules", "nats")))
        {
            // npm's registry is one of the registries this project may use.
            await RunToolAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], dir, []);
        }

        return ["/usr/bin/node", Path.Combine(dir, "client.mjs")];
    }

    private static string Source(string folder, string file) => Path.Combine(AppContext.BaseDirectory, folder, file);

    private static void Require(string path, string package)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new InvalidOperationException($"MISSING PEER: {path} is not installed (apt-get install -y {package}).");
        }
    }

    private static async Task RunToolAsync(string tool, string[] args, string workingDirectory, Dictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(tool, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {await stdout} {await stderr}");
    }

    private static async Task<string> RunAsync(string[] command, string url)
    {
        using Process run = Process.Start(new ProcessStartInfo(command[0], [.. command[1..], url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Task<string> stdout = run.StandardOutput.ReadToEndAsync();
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        string output = await stdout;
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', command)} failed: {output} {await stderr}");
        return output;
    }
}
