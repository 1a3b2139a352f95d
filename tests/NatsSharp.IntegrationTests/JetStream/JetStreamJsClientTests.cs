using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>
/// The official JavaScript client's JetStream, KV and object store APIs (@nats-io/transport-node,
/// @nats-io/jetstream, @nats-io/kv, @nats-io/obj, pinned in JsJetStream/package-lock.json and installed
/// with npm ci at test time) used the way an application does. Its transcript against NatsSharp must
/// equal the one against nats-server -js. With CI=true a missing node or npm fails the test; without,
/// the test says so loudly and ends.
/// </summary>
public sealed class JetStreamJsClientTests(ITestOutputHelper output)
{
    private const string Install = "apt-get install -y nodejs npm";

    private static readonly Lazy<Task<string?>> Program = new(InstallAsync);

    private static string? _unavailable;

    [Fact]
    public async Task Js_client_jetstream_transcript_matches_nats_server()
    {
        string? program = await Program.Value;
        if (program is null)
        {
            // InstallAsync said why on stderr (and threw instead under CI).
            output.WriteLine($"MISSING PEER: this test did NOT run: {_unavailable}");
            return;
        }

        await using var reference = await JetStreamFixture.StartRealAsync();
        string expected = await ClientProgram.TranscriptAsync("JavaScript JetStream", "/usr/bin/node", [program, $"nats://127.0.0.1:{reference.Port}"], Path.GetDirectoryName(program));
        Assert.EndsWith("DONE", expected);

        await using var server = await JetStreamFixture.StartAsync();
        string actual = await ClientProgram.TranscriptAsync("JavaScript JetStream", "/usr/bin/node", [program, server.Url], Path.GetDirectoryName(program));
        Assert.True(expected == actual, $"the transcripts differ (- nats-server, + NatsSharp):\n{Diff(expected, actual)}");
    }

    private static async Task<string?> InstallAsync()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "JsJetStream");
        if ((Missing("/usr/bin/node") ?? Missing("npm")) is { } missing)
        {
            return Unavailable($"{missing} is not installed ({Install})");
        }

        if (!Directory.Exists(Path.Combine(dir, "node_modules", "@nats-io", "jetstream")))
        {
            // npm's registry is one of the registries this project may use; ci installs exactly the lock file.
            var (code, text) = await RunToolAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], dir);
            if (code != 0)
            {
                return Unavailable($"npm ci in {dir} failed ({code}): {text}");
            }
        }

        return Path.Combine(dir, "jetstream.mjs");
    }

    private static string? Missing(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool) ? null : tool;
        }

        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        return path.Any(p => File.Exists(Path.Combine(p, tool))) ? null : tool;
    }

    private static string? Unavailable(string why)
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException($"MISSING PEER: CI=true but {why}.");
        }

        // Without CI a developer machine may lack Node: not a failure, but never silent.
        Console.Error.WriteLine($"MISSING PEER: JetStreamJsClientTests did NOT run: {why}.");
        _unavailable = why;
        return null;
    }

    private static async Task<(int Code, string Output)> RunToolAsync(string tool, string[] args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(tool, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return (p.ExitCode, $"{await stdout} {await stderr}".Trim());
    }

    /// <summary>A line diff (longest common subsequence) of two transcripts, with a line of context.</summary>
    private static string Diff(string expected, string actual)
    {
        string[] a = expected.Split('\n');
        string[] b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var lines = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                lines.Add("  " + a[x]);
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                lines.Add("+ " + b[y++]);
            }
            else
            {
                lines.Add("- " + a[x++]);
            }
        }

        var shown = new StringBuilder();
        for (int i = 0; i < lines.Count; i++)
        {
            bool near = Enumerable.Range(Math.Max(0, i - 1), Math.Min(lines.Count, i + 2) - Math.Max(0, i - 1)).Any(k => lines[k][0] != ' ');
            if (near)
            {
                shown.AppendLine(lines[i]);
            }
        }

        return shown.ToString();
    }
}
