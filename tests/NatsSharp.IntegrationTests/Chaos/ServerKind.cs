namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>Which server a chaos scenario runs against: ours (the daemon binary) or the reference.</summary>
public enum ServerKind
{
    NatsSharp,
    NatsServer,
}
