namespace NatsSharp.Server.Configuration;

/// <summary>
/// A config file that nats-server 2.9.10 would reject. <see cref="Exception.Message"/> is what nats-server
/// prints after its <c>nats-server: </c> prefix: warnings first, then errors, one per line.
/// Syntax, variable and include failures have exactly one error and no position
/// (<c>Parse error on line N: '...'</c>); mapping errors are <c>file:line:col: message</c>.
/// </summary>
internal sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : this([message], [])
    {
    }

    public ConfigException(IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
        : base(string.Join("\n", warnings.Concat(errors)))
    {
        Errors = errors;
        Warnings = warnings;
    }

    public ConfigException()
        : this("invalid configuration")
    {
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
        Warnings = [];
    }

    public IReadOnlyList<string> Errors { get; }

    /// <summary>Warnings found alongside the errors (nats-server prints them first).</summary>
    public IReadOnlyList<string> Warnings { get; }
}
