namespace NatsSharp.Server.Monitoring;

/// <summary>
/// Parses a request head (request line and headers, without the blank line; its chars are the bytes, read as
/// Latin-1) the way Go's net/http server reads one for nats-server, with its refusals in the same order: a
/// malformed line 400, an unknown transfer coding 501, a version other than 1.x 505, then a missing or bad Host,
/// header name or value "400 Bad Request: reason".
/// </summary>
internal static class HttpRequestParser
{
    public static HttpHeadResult Parse(string head)
    {
        string[] lines = head.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].TrimEnd('\r');
        }

        if (!TryParseRequestLine(lines[0], out string method, out string target, out int major, out int minor, out string path, out string rawQuery))
        {
            return HttpHeadResult.BadRequest;
        }

        // Headers: "Name: value", a line starting with a space or tab continues the one before (not the first).
        var headers = new List<(string Name, string Value)>();
        for (int i = 1; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length > 0 && line[0] is ' ' or '\t')
            {
                if (headers.Count == 0)
                {
                    return HttpHeadResult.BadRequest;
                }

                (string name, string value) = headers[^1];
                headers[^1] = (name, (value + " " + line.Trim(' ', '\t')).Trim(' ', '\t'));
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return HttpHeadResult.BadRequest;
            }

            if (colon > 0)
            {
                headers.Add((line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
            }
        }

        bool http11 = major == 1 && minor >= 1;
        bool chunked = false;
        long contentLength = 0;
        if (major == 1 && minor >= 1 && Values(headers, "Transfer-Encoding").ToList() is { Count: > 0 } codings)
        {
            // Go takes exactly one coding, "chunked"; anything else is 501.
            if (codings.Count != 1 || !codings[0].Equals("chunked", StringComparison.OrdinalIgnoreCase))
            {
                return HttpHeadResult.UnsupportedTransferEncoding;
            }

            chunked = true;
        }
        else if (Values(headers, "Content-Length").ToList() is { Count: > 0 } lengths)
        {
            string first = lengths[0].Trim();
            if (lengths.Any(l => l.Trim() != first))
            {
                return HttpHeadResult.BadRequest;
            }

            if (first.Length > 0 && (!first.All(char.IsAsciiDigit) || !long.TryParse(first, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out contentLength)))
            {
                return HttpHeadResult.BadRequest;
            }
        }

        if (major != 1 && !(major == 2 && minor == 0 && method == "PRI" && target == "*"))
        {
            return HttpHeadResult.Refuse(505, "HTTP Version Not Supported", "unsupported protocol version");
        }

        List<string> hosts = [.. Values(headers, "Host")];
        if (http11 && hosts.Count == 0 && method != "CONNECT")
        {
            return HttpHeadResult.Refuse(400, "Bad Request", "missing required Host header");
        }

        if (hosts.Count == 1 && !hosts[0].All(IsHostChar))
        {
            return HttpHeadResult.Refuse(400, "Bad Request", "malformed Host header");
        }

        foreach ((string name, string value) in headers)
        {
            if (!IsToken(name))
            {
                return HttpHeadResult.Refuse(400, "Bad Request", "invalid header name");
            }

            if (value.Any(c => (c < ' ' && c != '\t') || c == '\x7f'))
            {
                return HttpHeadResult.Refuse(400, "Bad Request", "invalid header value");
            }
        }

        // Go reads only the first Connection header for these tokens.
        string connection = Values(headers, "Connection").FirstOrDefault() ?? "";
        bool keepAlive = http11 ? !HasToken(connection, "close") : HasToken(connection, "keep-alive");
        string expect = Values(headers, "Expect").FirstOrDefault() ?? "";
        bool expectContinue = expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase);
        return HttpHeadResult.Of(new MonitorHttpRequest
        {
            Method = method,
            Path = path,
            RawQuery = rawQuery,
            Http11 = http11,
            KeepAlive = keepAlive,
            ContentLength = chunked ? 0 : contentLength,
            UnreadBody = chunked || (expectContinue && http11 && contentLength != 0),
            ExpectationFailed = expect.Length > 0 && !expectContinue,
        });
    }

    /// <summary>Whether a request line (without its line ending) is well formed; read as soon as it is complete, as Go does.</summary>
    public static bool IsValidRequestLine(string line) => TryParseRequestLine(line.TrimEnd('\r'), out _, out _, out _, out _, out _, out _);

    /// <summary>METHOD SP target SP version, cut at the first two spaces as Go does.</summary>
    private static bool TryParseRequestLine(string line, out string method, out string target, out int major, out int minor, out string path, out string rawQuery)
    {
        method = target = path = rawQuery = "";
        major = minor = 0;
        int sp1 = line.IndexOf(' ', StringComparison.Ordinal);
        int sp2 = sp1 < 0 ? -1 : line.IndexOf(' ', sp1 + 1);
        if (sp2 < 0)
        {
            return false;
        }

        method = line[..sp1];
        target = line[(sp1 + 1)..sp2];
        return IsToken(method) && TryParseVersion(line[(sp2 + 1)..], out major, out minor) && TryParseTarget(target, out path, out rawQuery);
    }

    private static IEnumerable<string> Values(List<(string Name, string Value)> headers, string name) =>
        headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    private static bool HasToken(string list, string token) =>
        list.Split(',').Any(t => t.Trim(' ', '\t').Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>Go's ParseHTTPVersion: "HTTP/d.d".</summary>
    private static bool TryParseVersion(string version, out int major, out int minor)
    {
        major = minor = 0;
        if (version.Length != 8 || !version.StartsWith("HTTP/", StringComparison.Ordinal) || version[6] != '.' || !char.IsAsciiDigit(version[5]) || !char.IsAsciiDigit(version[7]))
        {
            return false;
        }

        major = version[5] - '0';
        minor = version[7] - '0';
        return true;
    }

    /// <summary>
    /// The request target as Go's url.ParseRequestURI takes it: "/path?query", "*", or an absolute URL (its
    /// path is used); the path is percent-decoded, a bad escape or a control character refuses the request.
    /// </summary>
    private static bool TryParseTarget(string target, out string path, out string rawQuery)
    {
        path = rawQuery = "";
        if (target.Any(c => c < ' ' || c == '\x7f'))
        {
            return false;
        }

        if (target == "*")
        {
            path = "*";
            return true;
        }

        string rest = target;
        int scheme = target.IndexOf("://", StringComparison.Ordinal);
        if (!target.StartsWith('/'))
        {
            if (scheme <= 0 || !char.IsAsciiLetter(target[0]) || target[..scheme].Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.')))
            {
                return false;
            }

            int slash = target.IndexOfAny(['/', '?'], scheme + 3);
            rest = slash < 0 ? "/" : target[slash..];
        }

        int q = rest.IndexOf('?', StringComparison.Ordinal);
        string rawPath = q < 0 ? rest : rest[..q];
        rawQuery = q < 0 ? "" : rest[(q + 1)..];
        string? decoded = HttpQuery.Unescape(rawPath.Length == 0 ? "/" : rawPath, plusIsSpace: false);
        path = decoded ?? "";
        return decoded is not null;
    }

    /// <summary>RFC 7230 tchar, as Go's httpguts.IsTokenRune.</summary>
    private static bool IsToken(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));

    /// <summary>Go's httpguts.ValidHostHeader bytes.</summary>
    private static bool IsHostChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!$%&'()*+,-.:;=[]_~".Contains(c, StringComparison.Ordinal);
}
