using NatsSharp.Server;
using Serilog.Events;

namespace NatsSharp.Logging;

/// <summary>nats-server's level labels (INF, DBG, TRC...) for Serilog's levels, and the daemon's minimum level.</summary>
internal static class NatsLevel
{
    // One property per level, made once: the JSON formatter adds it to every line.
    private static readonly LogEventProperty[] LabelProperties =
        [.. Enum.GetValues<LogEventLevel>().Select(l => new LogEventProperty("lvl", new ScalarValue(Label(l))))];

    public static string Label(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "TRC",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        _ => "FTL",
    };

    /// <summary>The label as a <c>lvl</c> property (cached).</summary>
    public static LogEventProperty LabelProperty(LogEventLevel level) => LabelProperties[(int)level];

    /// <summary>The lowest level written: Verbose (trace) under -V, Debug under -D, else Information.</summary>
    public static LogEventLevel MinimumOf(ServerOptions options) =>
        options.Trace || options.TraceVerbose ? LogEventLevel.Verbose : options.Debug ? LogEventLevel.Debug : LogEventLevel.Information;
}
