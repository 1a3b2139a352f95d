using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;

namespace NatsSharp.Logging;

/// <summary>
/// nats-server's line: <c>[pid] 2026/11/22 10:00:00.000000 [INF] message</c>, the time left out
/// under <c>-T=false</c>, the label coloured as nats-server colours it when writing to a terminal.
/// </summary>
internal sealed class NatsTextFormatter : ITextFormatter
{
    private static readonly string[] PlainLabels = [.. Enum.GetValues<LogEventLevel>().Select(l => $"[{NatsLevel.Label(l)}] ")];
    private static readonly string[] ColoredLabels = [.. Enum.GetValues<LogEventLevel>().Select(l => $"[\x1b[{ColorOf(l)}m{NatsLevel.Label(l)}\x1b[0m] ")];

    private readonly string _pidPrefix = $"[{Environment.ProcessId}] ";
    private readonly string[] _labels;
    private volatile bool _logtime;

    public NatsTextFormatter(bool logtime, bool colors)
    {
        _logtime = logtime;
        _labels = colors ? ColoredLabels : PlainLabels;
    }

    /// <summary>-T / <c>logtime</c>; a reload changes it in place.</summary>
    public bool Logtime
    {
        get => _logtime;
        set => _logtime = value;
    }

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(_pidPrefix);
        if (_logtime)
        {
            // Local time, like Go's log package with Lmicroseconds.
            Span<char> time = stackalloc char[32];
            logEvent.Timestamp.DateTime.TryFormat(time, out int written, "yyyy/MM/dd HH:mm:ss.ffffff ", CultureInfo.InvariantCulture);
            output.Write(time[..written]);
        }

        output.Write(_labels[(int)logEvent.Level]);
        MessageText.Write(logEvent, output);
        output.Write('\n');
    }

    private static string ColorOf(LogEventLevel level) => level switch
    {
        LogEventLevel.Information => "32",
        LogEventLevel.Debug => "36",
        LogEventLevel.Warning => "0;93",
        LogEventLevel.Verbose => "33",
        _ => "31",
    };
}
