using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Logging;

/// <summary>Go's quoting (strconv.Quote, %q): payloads in trace lines, names in config errors.</summary>
internal static class GoQuote
{
    /// <summary>
    /// Bytes as %q shows them: their UTF-8 text quoted like <c>strconv.Quote</c>, a byte that is
    /// not UTF-8 as <c>\xcf</c>.
    /// </summary>
    public static string Quote(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Quote(Encoding.UTF8.GetString(bytes));
        }

        var sb = new StringBuilder(bytes.Length + 8);
        while (!bytes.IsEmpty)
        {
            int valid = 0;
            while (valid < bytes.Length && Rune.DecodeFromUtf8(bytes[valid..], out _, out int width) == System.Buffers.OperationStatus.Done)
            {
                valid += width;
            }

            string part = Quote(Encoding.UTF8.GetString(bytes[..valid]));
            sb.Append(part, 1, part.Length - 2);
            if (valid < bytes.Length)
            {
                sb.Append("\\x").Append(bytes[valid].ToString("x2", CultureInfo.InvariantCulture));
                valid++;
            }

            bytes = bytes[valid..];
        }

        return "\"" + sb + "\"";
    }

    /// <summary><c>strconv.Quote</c>: double-quoted, Go escapes for non-printable runes.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (Rune r in s.EnumerateRunes())
        {
            switch (r.Value)
            {
                case '"': sb.Append("\\\""); continue;
                case '\\': sb.Append("\\\\"); continue;
                case '\a': sb.Append("\\a"); continue;
                case '\b': sb.Append("\\b"); continue;
                case '\f': sb.Append("\\f"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
                case '\t': sb.Append("\\t"); continue;
                case '\v': sb.Append("\\v"); continue;
            }
            if (IsPrint(r))
            {
                sb.Append(r.ToString());
            }
            else if (r.Value < ' ' || r.Value == 0x7f)
            {
                sb.Append("\\x").Append(r.Value.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (r.Value < 0x10000)
            {
                sb.Append("\\u").Append(r.Value.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(r.Value.ToString("x8", CultureInfo.InvariantCulture));
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    // Go's unicode.IsPrint: graphic characters plus the ASCII space only.
    private static bool IsPrint(Rune r)
    {
        if (r.Value == ' ')
        {
            return true;
        }
        switch (Rune.GetUnicodeCategory(r))
        {
            case UnicodeCategory.Control:
            case UnicodeCategory.Format:
            case UnicodeCategory.Surrogate:
            case UnicodeCategory.PrivateUse:
            case UnicodeCategory.OtherNotAssigned:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
            case UnicodeCategory.SpaceSeparator:
                return false;
            default:
                return true;
        }
    }
}
