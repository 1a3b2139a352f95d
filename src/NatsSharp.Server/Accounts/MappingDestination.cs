namespace NatsSharp.Server.Accounts;

/// <summary>One destination of a subject mapping: <c>{destination: "bar.$1", weight: 40%, cluster: "east"}</c>.</summary>
public sealed record MappingDestination
{
    public required string Subject { get; init; }

    /// <summary>Percent of the messages (0-100); a plain <c>"foo": "bar"</c> mapping is one destination of 100.</summary>
    public int Weight { get; init; } = 100;

    /// <summary>Only used by servers of this cluster (the others use the destinations without a cluster).</summary>
    public string Cluster { get; init; } = "";
}
