using System.Diagnostics;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>
/// The real nats-server 2.9.10's verdict on a config file (<c>/usr/sbin/nats-server -t -c FILE</c>), the
/// reference the configuration tests compare ours with. Missing, it fails the test loudly: a comparison
/// that cannot run must never pass.
/// </summary>
internal static class NatsServerCheck
{
    public const string Binary = "/usr/sbin/nats-server";

    private const string Prefix = "nats-server: ";

    /// <summary>
    /// The verdict without the "nats-server: " prefix ("configuration file FILE is valid" or the errors),
    /// with <paramref name="environment"/> added to the process environment.
    /// </summary>
    public static string Run(string file, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(Binary))
        {
            string why = Environment.GetEnvironmentVariable("CI") == "true"
                ? $"MISSING PEER: CI=true but the reference peer {Binary} is missing: CI must install the Debian package nats-server (2.9.10)."
                : $"MISSING PEER: {Binary} is needed to compare verdicts with nats-server; install it with 'apt-get install -y nats-server'.";
            throw new InvalidOperationException(why);
        }

        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-t", "-c", file })
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string output = process.StandardError.ReadToEnd() + stdout.Result;
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{Binary} -t -c {file} did not finish");
        }

        output = output.Trim();
        return output.StartsWith(Prefix, StringComparison.Ordinal) ? output[Prefix.Length..] : output;
    }

    /// <summary>The verdict, or null when nats-server calls the file valid (our <c>ConfigBinder.Check</c> convention).</summary>
    public static string? Verdict(string file, IReadOnlyDictionary<string, string>? environment = null)
    {
        string output = Run(file, environment);
        return output == Valid(file) ? null : output;
    }

    public static string Valid(string file) => $"configuration file {file} is valid";

    /// <summary>nats-server reports multiple errors in Go's random map order: compare lines as a set.</summary>
    public static string Normalize(string verdict) =>
        string.Join("\n", verdict.Trim().Split('\n').Select(l => l.TrimEnd()).Order(StringComparer.Ordinal));
}
