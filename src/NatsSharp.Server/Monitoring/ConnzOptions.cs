namespace NatsSharp.Server.Monitoring;

/// <summary>The /connz query, already decoded.</summary>
internal sealed class ConnzOptions
{
    public string Sort { get; init; } = "";
    public bool Auth { get; init; }
    public bool Subs { get; init; }
    public bool SubsDetail { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; }
    public ulong Cid { get; init; }
    public ConnState State { get; init; }
    public string User { get; init; } = "";
    public string Account { get; init; } = "";
}
