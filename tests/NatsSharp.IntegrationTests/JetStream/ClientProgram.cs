using System.Diagnostics;

namespace NatsSharp.IntegrationTests.JetStream;

/// <summary>Runs a client program (the Go or JavaScript JetStream one) against a server and returns its transcript.</summary>
internal static class ClientProgram
{
    /// <summary>
    /// Starts <paramref name="file"/> with <paramref name="args"/> (the server URL last), waits at most
    /// 3 minutes (each step of the programs waits at most 10 s) and asserts it exited with 0.
    /// </summary>
    public static async Task<string> TranscriptAsync(string what, string file, string[] args, string? workingDirectory = null)
    {
        string url = args[^1];
        using Process run = Process.Start(new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        })!;
        Task<string> stdout = run.StandardOutput.ReadToEndAsync();
        Task<string> stderr = run.StandardError.ReadToEndAsync();
        try
        {
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            run.Kill(entireProcessTree: true);
            throw new TimeoutException($"the {what} program did not finish against {url}: {await stdout}");
        }

        string text = (await stdout).Trim();
        Assert.True(run.ExitCode == 0, $"the {what} program failed against {url}:\n{text}\n{await stderr}");
        return text;
    }
}
