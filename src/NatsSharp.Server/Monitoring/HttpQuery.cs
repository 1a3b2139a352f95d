using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// A query string decoded as Go's <c>url.ParseQuery</c> (what nats-server's handlers read): pairs split on
/// '&amp;', '+' is a space, %XX an escape; a pair with a ';' or a bad escape is dropped; the first value wins.
/// </summary>
internal sealed class HttpQuery
{
    private readonly Dictionary<string, string> _first = new(StringComparer.Ordinal);

    private HttpQuery()
    {
    }

    public static HttpQuery Empty { get; } = new();

    public static HttpQuery Parse(string rawQuery)
    {
        var query = new HttpQuery();
        foreach (string pair in rawQuery.Split('&'))
        {
            if (pair.Length == 0 || pair.Contains(';', StringComparison.Ordinal))
            {
                continue;
            }

            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string? key = Unescape(eq < 0 ? pair : pair[..eq], plusIsSpace: true);
            string? value = Unescape(eq < 0 ? "" : pair[(eq + 1)..], plusIsSpace: true);
            if (key is not null && value is not null)
            {
                query._first.TryAdd(key, value);
            }
        }

        return query;
    }

    /// <summary>The first value of <paramref name="name"/>, "" when absent (Go's <c>Values.Get</c>).</summary>
    public string Get(string name) => _first.TryGetValue(name, out string? value) ? value : "";

    /// <summary>Percent-decodes <paramref name="s"/> (its chars are bytes: the head is read as Latin-1) into UTF-8; null on a bad escape.</summary>
    public static string? Unescape(string s, bool plusIsSpace)
    {
        if (!s.Contains('%', StringComparison.Ordinal) && !(plusIsSpace && s.Contains('+', StringComparison.Ordinal)) && Ascii.IsValid(s))
        {
            return s;
        }

        byte[] bytes = new byte[s.Length];
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return null;
                }

                bytes[n++] = (byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2]));
                i += 2;
            }
            else
            {
                bytes[n++] = c == '+' && plusIsSpace ? (byte)' ' : (byte)c;
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, n);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
