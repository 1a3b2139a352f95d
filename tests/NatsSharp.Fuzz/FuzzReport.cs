namespace NatsSharp.Fuzz;

/// <summary>The result of one run of one profile and port.</summary>
public sealed class FuzzReport(string profile, FuzzPort port, long firstSeed)
{
    public string Profile { get; } = profile;

    public FuzzPort Port { get; } = port;

    public long FirstSeed { get; } = firstSeed;

    public int Streams { get; set; }

    public List<Divergence> Divergences { get; } = [];

    public List<Divergence> Flaky { get; } = [];

    /// <summary>Streams not compared because they exercise a deliberate difference, by its name.</summary>
    public Dictionary<string, int> Excluded { get; } = [];

    public string? Crashed { get; set; }

    public TimeSpan Elapsed { get; set; }

    public string Summary() =>
        $"{Profile}/{Port}: seeds {FirstSeed}..{FirstSeed + Streams - 1}, {Streams} streams, {Divergences.Count} divergences, "
        + $"{Flaky.Count} flaky, excluded {string.Join(", ", Excluded.Select(e => $"'{e.Key}' {e.Value}"))}"
        + $"{(Crashed is null ? "" : ", CRASHED " + Crashed)}, {Elapsed.TotalSeconds:F1} s";
}
