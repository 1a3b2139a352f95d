using System.Diagnostics;

namespace NatsSharp.Fuzz;

/// <summary>
/// Plays streams against a NatsSharp and a nats-server started with the same profile and compares
/// their outcomes. A difference is played again on both; it counts as a divergence when it shows
/// again (else as flaky: timing that neither server controls, reported but not failed on).
/// </summary>
public sealed class DifferentialFuzzer : IAsyncDisposable
{
    private readonly FuzzServer _ours;
    private readonly FuzzServer _reference;

    private DifferentialFuzzer(FuzzProfile profile, FuzzServer ours, FuzzServer reference)
    {
        Profile = profile;
        _ours = ours;
        _reference = reference;
    }

    public FuzzProfile Profile { get; }

    public static async Task<DifferentialFuzzer> StartAsync(FuzzProfile profile)
    {
        FuzzServer ours = await FuzzServer.StartNatsSharpAsync(profile);
        try
        {
            return new DifferentialFuzzer(profile, ours, await FuzzServer.StartReferenceAsync(profile));
        }
        catch
        {
            await ours.DisposeAsync();
            throw;
        }
    }

    /// <summary>Plays one stream on both servers; null when they agree.</summary>
    public async Task<Divergence?> CompareAsync(FuzzStream stream)
    {
        (Outcome ours, Outcome reference) = await PlayBothAsync(stream);
        if (ours.SameAs(reference))
        {
            return null;
        }

        (Outcome ours2, Outcome reference2) = await PlayBothAsync(stream);
        bool flaky = ours2.SameAs(reference2);
        return new Divergence(stream, ours, reference, flaky);
    }

    private async Task<(Outcome Ours, Outcome Reference)> PlayBothAsync(FuzzStream stream)
    {
        Task<Outcome> ours = Player.PlayAsync(_ours, stream);
        Task<Outcome> reference = Player.PlayAsync(_reference, stream);
        return (await ours, await reference);
    }

    /// <summary>
    /// Plays <paramref name="count"/> streams from <paramref name="firstSeed"/> on, within
    /// <paramref name="budget"/>; stops early after <paramref name="maxDivergences"/>.
    /// </summary>
    /// <remarks>
    /// Streams of the exclusion named <paramref name="audit"/> are compared all the same, to see what
    /// that exclusion takes out of the comparison (docs/reliability.md).
    /// </remarks>
    public async Task<FuzzReport> RunAsync(FuzzPort port, long firstSeed, int count, TimeSpan budget, int maxDivergences, TextWriter log, string? audit = null)
    {
        var report = new FuzzReport(Profile.Name, port, firstSeed);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count && clock.Elapsed < budget && report.Divergences.Count < maxDivergences; i++)
        {
            FuzzStream stream = StreamGenerator.Create(firstSeed + i, Profile, port);
            report.Streams++;
            if (stream.Deliberate is { } name)
            {
                string key = name == audit ? name + " (compared)" : name;
                report.Excluded[key] = report.Excluded.GetValueOrDefault(key) + 1;
                if (name != audit)
                {
                    continue;
                }
            }

            Divergence? divergence = await CompareAsync(stream);
            if (divergence is null)
            {
                continue;
            }

            if (divergence.Flaky)
            {
                report.Flaky.Add(divergence);
                continue;
            }

            report.Divergences.Add(divergence);
            await log.WriteLineAsync(divergence.Describe());
            if (!await _ours.AliveAsync())
            {
                report.Crashed = _ours.Name;
                break;
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    public async ValueTask DisposeAsync()
    {
        await _ours.DisposeAsync();
        await _reference.DisposeAsync();
    }
}
