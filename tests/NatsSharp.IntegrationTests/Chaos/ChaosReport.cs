using Xunit.Abstractions;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// The figures of a chaos run (never asserted: timings depend on the machine), written to the test
/// output and appended to <c>$NATSSHARP_CHAOS_REPORT</c> (default: natssharp-chaos-figures.txt in the temp dir)
/// so docs/reliability-chaos.md can quote the last run.
/// </summary>
public static class ChaosReport
{
    private static readonly object Gate = new();

    public static string File => Environment.GetEnvironmentVariable("NATSSHARP_CHAOS_REPORT") is { Length: > 0 } f
        ? f
        : Path.Combine(Path.GetTempPath(), "natssharp-chaos-figures.txt");

    public static void Figure(ITestOutputHelper output, string scenario, ServerKind kind, string figure)
    {
        string line = $"{DateTime.UtcNow:O} | {scenario} | {kind} | {figure}";
        output.WriteLine(line);
        lock (Gate)
        {
            System.IO.File.AppendAllText(File, line + Environment.NewLine);
        }
    }

    public static double Median(IReadOnlyList<double> values) =>
        values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);
}
