using NatsSharp.Server.JetStream;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>JetStream is on (-js, <c>jetstream { }</c>, <c>jetstream: enabled</c>); null = off.</summary>
    public JetStreamOptions? JetStream { get; set; }
}
