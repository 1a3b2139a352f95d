using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c>, with the same accepted syntax and the
/// same error texts, because nats-server puts both into its config error messages verbatim.
/// Durations are carried as nanoseconds (Go's representation) and converted to <see cref="TimeSpan"/> at the edge.
/// </summary>
internal static class GoDuration
{
    private const ulong Nanosecond = 1;
    private const ulong Microsecond = 1000 * Nanosecond;
    private const ulong Millisecond = 1000 * Microsecond;
    private const ulong Second = 1000 * Millisecond;
    private const ulong Minute = 60 * Second;
    private const ulong Hour = 60 * Minute;
    private const ulong Limit = 1UL << 63;

    private static readonly Dictionary<string, ulong> s_units = new(StringComparer.Ordinal)
    {
        ["ns"] = Nanosecond,
        ["us"] = Microsecond,
        ["\u00b5s"] = Microsecond, // micro sign
        ["\u03bcs"] = Microsecond, // Greek mu
        ["ms"] = Millisecond,
        ["s"] = Second,
        ["m"] = Minute,
        ["h"] = Hour,
    };

    /// <summary>Parses <c>[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+</c>; on failure <paramref name="error"/> is Go's message.</summary>
    public static bool TryParse(string text, out long nanoseconds, out string error)
    {
        nanoseconds = 0;
        error = "";
        string s = text;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0")
        {
            return true;
        }
        if (s.Length == 0)
        {
            return Invalid(text, out error);
        }

        ulong total = 0;
        while (s.Length > 0)
        {
            if (!(s[0] == '.' || IsAsciiDigit(s[0])))
            {
                return Invalid(text, out error);
            }

            int before = s.Length;
            if (!TryLeadingInt(ref s, out ulong whole))
            {
                return Invalid(text, out error);
            }
            bool hasWhole = before != s.Length;

            ulong fraction = 0;
            double scale = 1;
            bool hasFraction = false;
            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                int fracStart = s.Length;
                LeadingFraction(ref s, out fraction, out scale);
                hasFraction = fracStart != s.Length;
            }
            if (!hasWhole && !hasFraction)
            {
                return Invalid(text, out error);
            }

            int unitLength = 0;
            while (unitLength < s.Length && s[unitLength] != '.' && !IsAsciiDigit(s[unitLength]))
            {
                unitLength++;
            }
            if (unitLength == 0)
            {
                error = "time: missing unit in duration " + Quote(text);
                return false;
            }
            string unitName = s[..unitLength];
            s = s[unitLength..];
            if (!s_units.TryGetValue(unitName, out ulong unit))
            {
                error = "time: unknown unit " + Quote(unitName) + " in duration " + Quote(text);
                return false;
            }

            if (whole > Limit / unit)
            {
                return Invalid(text, out error);
            }
            whole *= unit;
            if (fraction > 0)
            {
                whole += (ulong)(fraction * (unit / scale));
                if (whole > Limit)
                {
                    return Invalid(text, out error);
                }
            }
            total += whole;
            if (total > Limit)
            {
                return Invalid(text, out error);
            }
        }

        if (negative)
        {
            nanoseconds = unchecked(-(long)total);
            return true;
        }
        if (total > Limit - 1)
        {
            return Invalid(text, out error);
        }
        nanoseconds = (long)total;
        return true;
    }

    /// <summary>Go's <c>Duration.String()</c>: "1m30s", "500ms", "0s", "1h0m0s".</summary>
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }
        bool negative = nanoseconds < 0;
        ulong u = negative ? unchecked((ulong)-nanoseconds) : (ulong)nanoseconds;
        var sb = new StringBuilder();

        if (u < Second)
        {
            // Sub-second: a single unit with a decimal fraction.
            string unit;
            int precision;
            if (u < Microsecond)
            {
                unit = "ns";
                precision = 0;
            }
            else if (u < Millisecond)
            {
                unit = "\u00b5s";
                precision = 3;
            }
            else
            {
                unit = "ms";
                precision = 6;
            }
            sb.Append(FormatWithFraction(u, precision, out _)).Append(unit);
        }
        else
        {
            string seconds = FormatWithFraction(u, 9, out ulong rest);
            // rest is whole seconds
            ulong secs = rest % 60;
            ulong mins = rest / 60;
            string secondsPart = secs.ToString(CultureInfo.InvariantCulture) + seconds + "s";
            if (mins > 0)
            {
                ulong hours = mins / 60;
                string minutesPart = (mins % 60).ToString(CultureInfo.InvariantCulture) + "m";
                if (hours > 0)
                {
                    sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
                }
                sb.Append(minutesPart);
            }
            sb.Append(secondsPart);
            if (negative)
            {
                sb.Insert(0, '-');
            }
            return sb.ToString();
        }

        if (negative)
        {
            sb.Insert(0, '-');
        }
        return sb.ToString();
    }

    // Splits v into "whole.fraction" at the given decimal precision, trimming trailing zeros.
    // For the seconds case the whole part is returned in 'whole' and only ".fff" is returned.
    private static string FormatWithFraction(ulong v, int precision, out ulong whole)
    {
        ulong divisor = 1;
        for (int i = 0; i < precision; i++)
        {
            divisor *= 10;
        }
        whole = v / divisor;
        ulong frac = v % divisor;
        string fraction = "";
        if (frac != 0)
        {
            fraction = "." + frac.ToString(CultureInfo.InvariantCulture).PadLeft(precision, '0').TrimEnd('0');
        }
        return precision == 9 ? fraction : whole.ToString(CultureInfo.InvariantCulture) + fraction;
    }

    private static bool TryLeadingInt(ref string s, out ulong value)
    {
        value = 0;
        int i = 0;
        for (; i < s.Length && IsAsciiDigit(s[i]); i++)
        {
            if (value > Limit / 10)
            {
                return false; // overflow
            }
            value = value * 10 + (ulong)(s[i] - '0');
            if (value > Limit)
            {
                return false;
            }
        }
        s = s[i..];
        return true;
    }

    private static void LeadingFraction(ref string s, out ulong value, out double scale)
    {
        value = 0;
        scale = 1;
        bool overflow = false;
        int i = 0;
        for (; i < s.Length && IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
            {
                continue;
            }
            if (value > (Limit - 1) / 10)
            {
                // Further digits cannot change the result meaningfully; Go ignores them too.
                overflow = true;
                continue;
            }
            ulong next = value * 10 + (ulong)(s[i] - '0');
            if (next > Limit)
            {
                overflow = true;
                continue;
            }
            value = next;
            scale *= 10;
        }
        s = s[i..];
    }

    private static bool Invalid(string text, out string error)
    {
        error = "time: invalid duration " + Quote(text);
        return false;
    }

    private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';

    // The time package's own quoting: printable ASCII as is (with \" and \\ escaped), anything else as \xNN bytes.
    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        Span<byte> bytes = stackalloc byte[4];
        foreach (Rune r in s.EnumerateRunes())
        {
            if (r.Value < ' ' || r.Value >= 0x80)
            {
                int n = r.EncodeToUtf8(bytes);
                for (int i = 0; i < n; i++)
                {
                    sb.Append("\\x").Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                if (r.Value == '"' || r.Value == '\\')
                {
                    sb.Append('\\');
                }
                sb.Append((char)r.Value);
            }
        }
        return sb.Append('"').ToString();
    }
}
