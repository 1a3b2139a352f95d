namespace NatsSharp.Server;

/// <summary>
/// What a config asks for that NatsSharp does not do. Operator (JWT) mode is refused: running
/// without the authentication the file asks for would be worse than not running. Other ignored
/// features are named in a warning at start, so nobody mistakes them for working.
/// </summary>
internal static class UnsupportedFeatures
{
    private static readonly HashSet<string> OperatorMode = new(StringComparer.Ordinal)
    {
        "operator", "operators", "root", "roots", "root_operator", "root_operators", "resolver", "account_resolver",
        "accounts_resolver", "resolver_tls", "resolver_preload", "resolver_pinned_accounts", "trusted", "trusted_keys",
    };

    private static readonly HashSet<string> IgnoredFeatures = new(StringComparer.Ordinal)
    {
        "gateway", "mqtt", "ocsp",
    };

    /// <summary>Throws when the config asks for operator mode.</summary>
    public static void Validate(ServerOptions options)
    {
        if (options.UnboundConfigKeys.FirstOrDefault(OperatorMode.Contains) is { } key)
        {
            throw new NatsServerException($"operator mode (JWT authentication, '{key}') is not supported by NatsSharp: refusing to start without the authentication the configuration asks for");
        }
    }

    /// <summary>The warning lines for features the config names and NatsSharp ignores.</summary>
    public static IEnumerable<string> Warnings(ServerOptions options) =>
        options.UnboundConfigKeys.Where(IgnoredFeatures.Contains).Distinct()
            .Select(key => $"'{key}' is not supported by NatsSharp yet: the block is ignored");
}
