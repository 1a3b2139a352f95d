using NatsSharp.Server.LeafNodes;

namespace NatsSharp.Server;

public sealed partial class ServerOptions
{
    /// <summary>The <c>leafnodes { }</c> block; null = no leafnodes.</summary>
    public LeafNodeOptions? LeafNodes { get; set; }
}
