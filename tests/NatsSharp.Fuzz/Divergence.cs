namespace NatsSharp.Fuzz;

/// <summary>A stream the two servers answered differently, with both outcomes.</summary>
public sealed record Divergence(FuzzStream Stream, Outcome Ours, Outcome Reference, bool Flaky)
{
    public string Describe() =>
        $"DIVERGENCE{(Flaky ? " (flaky)" : "")} {Stream.Describe()}\n  replay: FUZZ_REPLAY={Stream.Profile.Name}:{Stream.Port}:{Stream.Seed}\n"
        + $"  natssharp:\n{Ours.Describe()}\n  nats-server:\n{Reference.Describe()}";
}
