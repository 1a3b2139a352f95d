using System.Diagnostics;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>Builds a one-file Go program offline against Debian's Go packages (GO111MODULE=off, GOPATH=/usr/share/gocode).</summary>
internal static class GoProgram
{
    public const string GoPath = "/usr/share/gocode";

    /// <param name="library">The package directory under $GOPATH/src the program needs, checked first.</param>
    /// <param name="what">What the program is, for error texts ("the Go NATS client").</param>
    /// <param name="install">The apt-get line that provides what is missing.</param>
    public static async Task<string> BuildAsync(string source, string library, string what, string install)
    {
        if (!File.Exists("/usr/bin/go") || !Directory.Exists(Path.Combine(GoPath, "src", library)))
        {
            throw new InvalidOperationException($"MISSING PEER: {what} is needed for this test ({install}).");
        }

        string dir = Directory.CreateTempSubdirectory("natssharp-go-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "main.go"), source);
        string output = Path.Combine(dir, "program");
        var psi = new ProcessStartInfo("/usr/bin/go") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "build", "-o", output, "main.go" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["GO111MODULE"] = "off";
        psi.Environment["GOPATH"] = GoPath;
        psi.Environment["GOCACHE"] = Path.Combine(dir, "cache");
        psi.Environment["GOFLAGS"] = "";
        using Process p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"building {what} failed ({install}): {await err}");
        }

        return output;
    }
}
