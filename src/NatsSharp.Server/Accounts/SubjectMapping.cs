namespace NatsSharp.Server.Accounts;

/// <summary>
/// One entry of <c>mappings { }</c> (top level for <c>$G</c>, or inside an account): messages
/// published on <see cref="Source"/> go to one of <see cref="Destinations"/>, picked by weight.
/// </summary>
public sealed record SubjectMapping
{
    public required string Source { get; init; }

    public required IReadOnlyList<MappingDestination> Destinations { get; init; }
}
