namespace NatsSharp.Server;

/// <summary>
/// Clients gate features on INFO's version, so we report the nats-server release whose
/// behaviour we implement, and keep our own product version beside it.
/// </summary>
public static class ServerVersion
{
    /// <summary>The nats-server version whose protocol and behaviour NatsSharp implements.</summary>
    public const string Compatible = "2.9.10";

    /// <summary>NatsSharp's own version.</summary>
    public static string Product { get; } =
        typeof(ServerVersion).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>What INFO's "go" field carries: the runtime we run on.</summary>
    public static string Runtime { get; } = "dotnet" + Environment.Version.ToString();
}
