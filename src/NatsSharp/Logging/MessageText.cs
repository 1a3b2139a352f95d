using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;

namespace NatsSharp.Logging;

/// <summary>
/// An event's message as plain text, the way Microsoft.Extensions.Logging formatted it before:
/// string values unquoted, numbers in the invariant culture. The broker's lines arrive from
/// Serilog.Extensions.Logging as the template <c>{State:l}</c> holding the finished text.
/// </summary>
internal static class MessageText
{
    public static void Write(LogEvent logEvent, TextWriter output)
    {
        if (BrokerText(logEvent) is { } text)
        {
            output.Write(text);
            return;
        }

        foreach (MessageTemplateToken token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken property
                && logEvent.Properties.TryGetValue(property.PropertyName, out LogEventPropertyValue? value)
                && value is ScalarValue { Value: string s })
            {
                output.Write(s);
            }
            else
            {
                token.Render(logEvent.Properties, output, CultureInfo.InvariantCulture);
            }
        }
    }

    public static string Render(LogEvent logEvent)
    {
        if (BrokerText(logEvent) is { } text)
        {
            return text;
        }

        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(logEvent, writer);
        return writer.ToString();
    }

    /// <summary>The property a template consists of alone (<c>{State:l}</c>), else null.</summary>
    public static string? WholeMessageProperty(MessageTemplate template)
    {
        using IEnumerator<MessageTemplateToken> tokens = template.Tokens.GetEnumerator();
        return tokens.MoveNext() && tokens.Current is PropertyToken property && !tokens.MoveNext() ? property.PropertyName : null;
    }

    // The common case, without walking tokens: a broker line, its finished text in one property.
    private static string? BrokerText(LogEvent logEvent) =>
        logEvent.MessageTemplate.Text == "{State:l}"
        && logEvent.Properties.TryGetValue("State", out LogEventPropertyValue? value)
        && value is ScalarValue { Value: string text }
            ? text
            : null;
}
