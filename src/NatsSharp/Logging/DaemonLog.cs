using Microsoft.Extensions.Logging;
using NatsSharp.Server;
using Serilog;
using Serilog.Core;
using Serilog.Extensions.Logging;

namespace NatsSharp.Logging;

/// <summary>
/// The daemon's log pipeline, built in code (no reflection-based configuration, so it stays
/// NativeAOT-friendly): a Serilog logger whose minimum level is a switch (-D, -V, changed by a
/// reload) over <see cref="NatsLogSink"/>, handed to the broker as an <see cref="ILoggerFactory"/>
/// by Serilog.Extensions.Logging. The broker checks its own trace/debug flags before building a
/// line, so -V costs nothing when off.
/// </summary>
internal sealed class DaemonLog : IDisposable
{
    private readonly NatsLogSink _sink;

    private DaemonLog(NatsLogSink sink, ServerOptions options)
    {
        _sink = sink;
        Level = new LoggingLevelSwitch(NatsLevel.MinimumOf(options));
        Logger = new LoggerConfiguration()
            .MinimumLevel.ControlledBy(Level)
            .WriteTo.Sink(sink)
            .CreateLogger();
        LoggerFactory = new SerilogLoggerFactory(Logger);
    }

    /// <summary>Opens the destination the options name; throws IOException or UnauthorizedAccessException.</summary>
    public static DaemonLog Create(ServerOptions options, string tag) => new(new NatsLogSink(options, tag), options);

    public LoggingLevelSwitch Level { get; }

    /// <summary>The daemon's own lines (signals, reload and reopen outcomes).</summary>
    public Logger Logger { get; }

    /// <summary>What the broker logs through.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>A reload: new level, destination and line settings. Throws IOException when the new destination cannot be opened.</summary>
    public void Apply(ServerOptions options)
    {
        Level.MinimumLevel = NatsLevel.MinimumOf(options);
        _sink.Configure(options);
    }

    /// <summary>SIGUSR1 / <c>-sl reopen</c>, with nats-server's lines.</summary>
    public void Reopen()
    {
        bool reopened;
        try
        {
            reopened = _sink.Reopen();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Logger.Error("Unable to re-open the log file: {Error:l}", ex.Message);
            return;
        }

        if (reopened)
        {
            Logger.Information("File log re-opened");
        }
        else
        {
            Logger.Information("File log re-open ignored, not a file logger");
        }
    }

    public void Dispose()
    {
        LoggerFactory.Dispose();
        Logger.Dispose(); // disposes the sink too
    }
}
