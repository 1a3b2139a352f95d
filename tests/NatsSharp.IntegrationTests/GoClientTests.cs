using System.Diagnostics;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The official Go client (nats.go 1.22 from Debian) against NatsSharp, and against the real
/// nats-server to prove the program itself is right. Needs golang-go and
/// golang-github-nats-io-go-nats-dev; without them the test fails saying so.
/// </summary>
public class GoClientTests
{
    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    [Fact]
    public async Task Go_client_works_against_natssharp()
    {
        string binary = await Binary.Value;
        await using var server = await TestServer.StartAsync();
        string output = await RunAsync(binary, server.Url);
        Assert.StartsWith("OK 2.9.10", output);
    }

    [Fact]
    public async Task Go_client_program_passes_against_the_real_nats_server()
    {
        string binary = await Binary.Value;
        await using var reference = await RealNatsServer.StartAsync();
        string output = await RunAsync(binary, $"nats://127.0.0.1:{reference.Port}");
        Assert.StartsWith("OK 2.9.10", output);
    }

    private static async Task<string> BuildAsync()
    {
        const string natsGo = "/usr/share/gocode/src/github.com/nats-io/nats.go";
        if (!File.Exists("/usr/bin/go") || !Directory.Exists(natsGo))
        {
            throw new InvalidOperationException(
                "MISSING PEER: the Go NATS client is not installed (apt-get install -y golang-go golang-github-nats-io-go-nats-dev).");
        }

        string root = Directory.CreateTempSubdirectory("natssharp-go-").FullName;
        string package = Path.Combine(root, "src", "goclient");
        Directory.CreateDirectory(package);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "GoClient", "main.go"), Path.Combine(package, "main.go"));
        string output = Path.Combine(root, "goclient");
        var psi = new ProcessStartInfo("/usr/bin/go", ["build", "-o", output, "goclient"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = package,
        };
        psi.Environment["GO111MODULE"] = "off";
        psi.Environment["GOPATH"] = $"{root}:/usr/share/gocode";
        psi.Environment["GOFLAGS"] = "";
        psi.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "natssharp-go-cache");
        using Process build = Process.Start(psi)!;
        Task<string> stderr = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(build.ExitCode == 0, "go build failed: " + await stderr);
        return output;
    }

    private static async Task<string> RunAsync(string binary, string url)
    {
        using Process run = Process.Start(new ProcessStartInfo(binary, [url]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        Task<string> stdout = run.StandardOutput.ReadToEndAsync();
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        string output = await stdout;
        Assert.True(run.ExitCode == 0, $"goclient failed: {output} {await stderr}");
        return output;
    }
}
