namespace NatsSharp.Server.Configuration;

/// <summary>
/// A successfully bound config: a fresh <see cref="ServerOptions"/>, the tree it came from (for the
/// blocks later modules bind themselves) and the warnings nats-server would print at start-up
/// (they are fatal only under <c>-t</c>).
/// </summary>
internal sealed class ConfigLoadResult
{
    public ConfigLoadResult(ServerOptions options, ConfigTree tree, IReadOnlyList<string> warnings)
    {
        Options = options;
        Tree = tree;
        Warnings = warnings;
    }

    public ServerOptions Options { get; }

    public ConfigTree Tree { get; }

    public IReadOnlyList<string> Warnings { get; }
}
