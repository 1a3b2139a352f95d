using System.Diagnostics;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// The official Go client's JetStream API (nats.go from Debian's golang-github-nats-io-go-nats-dev, built
/// offline at test time) used the way an application does: streams, publish acks, pull and push
/// consumers, KeyValue and ObjectStore. Its transcript against NatsSharp must equal the one against
/// nats-server -js. Missing Go or the package fails the test with the install command.
/// </summary>
public sealed class JetStreamGoClientTests
{
    private const string Install = "apt-get install -y golang-go golang-github-nats-io-go-nats-dev";

    private static readonly Lazy<Task<string>> Program = new(BuildAsync);

    [Fact]
    public async Task Go_client_jetstream_transcript_matches_nats_server()
    {
        string program = await Program.Value;

        await using var reference = await JetStreamFixture.StartRealAsync();
        string expected = await ClientProgram.TranscriptAsync("Go JetStream", program, [$"nats://127.0.0.1:{reference.Port}"]);
        Assert.EndsWith("DONE", expected);

        await using var server = await JetStreamFixture.StartAsync();
        string actual = await ClientProgram.TranscriptAsync("Go JetStream", program, [server.Url]);
        Assert.Equal(expected, actual);
    }

    private static async Task<string> BuildAsync()
    {
        foreach (string path in new[] { "/usr/bin/go", "/usr/share/gocode/src/github.com/nats-io/nats.go", "/usr/share/gocode/src/github.com/nats-io/nuid" })
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new InvalidOperationException($"MISSING PEER: {path} is not installed ({Install}).");
            }
        }

        string root = Directory.CreateTempSubdirectory("natssharp-gojs-").FullName;
        string package = Path.Combine(root, "src", "gojetstream");
        Directory.CreateDirectory(package);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "GoJetStream", "main.go"), Path.Combine(package, "main.go"));
        string output = Path.Combine(root, "gojetstream");
        var psi = new ProcessStartInfo("/usr/bin/go", ["build", "-o", output, "gojetstream"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = package,
        };
        psi.Environment["GO111MODULE"] = "off";
        psi.Environment["GOPATH"] = $"{root}:/usr/share/gocode";
        psi.Environment["GOFLAGS"] = "";
        psi.Environment["GOCACHE"] = Path.Combine(Path.GetTempPath(), "natssharp-go-cache");
        using Process p = System.Diagnostics.Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the Go JetStream program failed ({Install}): {await stdout} {await stderr}");
        }

        return output;
    }
}
