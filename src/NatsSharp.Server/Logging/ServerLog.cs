using Microsoft.Extensions.Logging;

namespace NatsSharp.Server.Logging;

/// <summary>
/// The broker's log, in nats-server's vocabulary (notice, debug, trace...). Messages are
/// plain text, never message templates, so JSON and braces from the wire are safe; callers
/// check <see cref="IsTrace"/>/<see cref="IsDebug"/> before building a string.
/// </summary>
internal sealed class ServerLog
{
    private static readonly Func<string, Exception?, string> Format = static (s, _) => s;
    private readonly ILogger _logger;

    public ServerLog(ILogger logger) => _logger = logger;

    /// <summary>Refreshed from the options at start and on reload, read per message.</summary>
    public bool IsTrace { get; set; }

    public bool IsDebug { get; set; }

    public void Notice(string message) => _logger.Log(LogLevel.Information, default, message, null, Format);

    public void Warn(string message) => _logger.Log(LogLevel.Warning, default, message, null, Format);

    public void Error(string message) => _logger.Log(LogLevel.Error, default, message, null, Format);

    public void Fatal(string message) => _logger.Log(LogLevel.Critical, default, message, null, Format);

    public void Debug(string message)
    {
        if (IsDebug)
        {
            _logger.Log(LogLevel.Debug, default, message, null, Format);
        }
    }

    public void Trace(string message)
    {
        if (IsTrace)
        {
            _logger.Log(LogLevel.Trace, default, message, null, Format);
        }
    }
}
