namespace NatsSharp.Server.Monitoring;

/// <summary>A /varz section for a feature that is not configured; nats-server prints it as <c>{}</c>.</summary>
internal sealed class EmptySection
{
    public static readonly EmptySection Instance = new();
}
