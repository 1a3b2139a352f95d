namespace NatsSharp.Server.Configuration;

/// <summary>
/// A parsed config file: the top-level block with every value and position, including blocks the
/// binder does not use yet (cluster, tls, accounts, ...) so later modules can read them from here.
/// </summary>
internal sealed class ConfigTree
{
    public ConfigTree(ConfigMap root, string file)
    {
        Root = root;
        File = file;
    }

    public ConfigMap Root { get; }

    /// <summary>The path as given to the parser (used verbatim in error positions); empty for text.</summary>
    public string File { get; }
}
