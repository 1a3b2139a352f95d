using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Parsing;

namespace NatsSharp.Logging;

/// <summary>
/// <c>log_format: json</c>: one JSON object per line for log shippers, written by
/// Serilog.Formatting.Compact's RenderedCompactJsonFormatter (<c>@t</c> UTC timestamp, <c>@m</c> the
/// message, <c>@i</c>, <c>@l</c> unless Information) plus <c>lvl</c>, nats-server's label
/// (<c>INF</c>, <c>DBG</c>...). The event is handed over with the finished text as its template, so
/// <c>@m</c> reads as in the text log; the property that held that text (the broker's <c>State</c>)
/// and the category are left out rather than repeated on every line.
/// </summary>
internal sealed class NatsJsonFormatter : ITextFormatter
{
    private readonly RenderedCompactJsonFormatter _clef = new();

    public void Format(LogEvent logEvent, TextWriter output)
    {
        string text = MessageText.Render(logEvent);
        string? whole = MessageText.WholeMessageProperty(logEvent.MessageTemplate);
        var properties = new List<LogEventProperty>(logEvent.Properties.Count + 1) { NatsLevel.LabelProperty(logEvent.Level) };
        foreach (KeyValuePair<string, LogEventPropertyValue> property in logEvent.Properties)
        {
            if (property.Key != whole && property.Key != Constants.SourceContextPropertyName)
            {
                properties.Add(new LogEventProperty(property.Key, property.Value));
            }
        }

        var plain = new LogEvent(logEvent.Timestamp, logEvent.Level, logEvent.Exception, new MessageTemplate(text, [new TextToken(text)]), properties);
        _clef.Format(plain, output);
    }
}
