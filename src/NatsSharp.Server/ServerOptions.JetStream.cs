using NatsSharp.Server.JetStream;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>JetStream is on (-js, <c>jetstream { }</c>, <c>jetstream: enabled</c>); null = off.</summary>
    public JetStreamOptions? JetStream { get; set; }

    /// <summary>Top-level <c>store_dir</c> and -sd: JetStream's directory when its block names none.</summary>
    public string StoreDir { get; set; } = "";
}
