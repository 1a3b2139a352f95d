using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The thin HTTP adapter: maps nats-server's paths (after Go's ServeMux: "*" refused, an unclean path
/// redirected) to <see cref="ServerMonitor"/> and answers with its JSON the way Go writes it.
/// <see cref="MonitorHttpListener"/> carries the requests here; this type never touches a socket.
/// </summary>
internal sealed partial class MonitorHttpServer
{
    private const string JsonType = "application/json";
    private const string TextType = "text/plain; charset=utf-8";

    // Go escapes only <, > and & (and prints other characters such as µ as they are).
    private static readonly MonitorJson Json = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private readonly ServerMonitor _monitor;
    private readonly string _basePath;
    private readonly byte[] _dashboard;

    public MonitorHttpServer(ServerMonitor monitor, string basePath)
    {
        _monitor = monitor;
        _basePath = NormalizeBasePath(basePath);
        _dashboard = Dashboard.Render(_basePath);
    }

    /// <summary>As nats-server: "" and "/" are the root, "nats/" becomes "/nats".</summary>
    internal static string NormalizeBasePath(string basePath)
    {
        string trimmed = basePath.Trim().Trim('/');
        return trimmed.Length == 0 ? "/" : "/" + trimmed;
    }

    /// <summary>Answers one request (any method: nats-server's handlers do not look at it).</summary>
    public MonitorHttpResponse Handle(MonitorHttpRequest request)
    {
        string path = request.Path;
        if (path == "*")
        {
            // Go's server answers "OPTIONS *" itself with an empty 200; its ServeMux answers any other "*" 400 and closes.
            return request.Method == "OPTIONS" ? new MonitorHttpResponse() : new MonitorHttpResponse { Status = 400, Close = true };
        }

        string clean = GoPath.Clean(path);
        if (clean != path)
        {
            return Redirect(request, GoPath.Escape(clean) + (request.RawQuery.Length > 0 ? "?" + request.RawQuery : ""));
        }

        var query = HttpQuery.Parse(request.RawQuery);
        if (path == _basePath)
        {
            _monitor.CountRequest("/");
            return new MonitorHttpResponse { ContentType = "text/html; charset=utf-8", Body = _dashboard };
        }

        string endpoint = _basePath == "/" ? path : path.StartsWith(_basePath + "/", StringComparison.Ordinal) ? path[_basePath.Length..] : "";
        if (endpoint == "/metrics")
        {
            return Metrics();
        }

        if (endpoint == "/subscriptionsz")
        {
            endpoint = "/subsz";
        }

        try
        {
            int status = 200;
            byte[]? body = endpoint switch
            {
                "/varz" => Varz(),
                "/connz" => Serialize(endpoint, _monitor.Connz(ConnzQuery(query)), Json.Connz),
                "/routez" => Serialize(endpoint, RoutezQuery(query), Json.Routez),
                "/leafz" => Serialize(endpoint, LeafzQuery(query), Json.Leafz),
                "/gatewayz" => Serialize(endpoint, GatewayzQuery(query), Json.Gatewayz),
                "/accountz" => Serialize(endpoint, _monitor.Accountz(query.Get("acc")), Json.Accountz),
                "/accstatz" => Serialize(endpoint, _monitor.AccountStatz(Bool(query, "unused")), Json.AccountStatz),
                "/subsz" => Subsz(query),
                "/healthz" => Healthz(query, out status),
                "/jsz" => Serialize(endpoint, _monitor.Jsz(Bool(query, "accounts")), Json.Jsz),
                _ => null,
            };
            if (body is null)
            {
                return new MonitorHttpResponse { Status = 404, ContentType = TextType, NoSniff = true, Body = "404 page not found\n"u8.ToArray() };
            }

            return JsonResponse(query, body, status);
        }
        catch (MonitorQueryException ex)
        {
            return new MonitorHttpResponse { Status = 400, ContentType = TextType, Body = Encoding.UTF8.GetBytes(ex.Message) };
        }
    }

    /// <summary>Go's http.Redirect with 301: an HTML link for a GET, the type without a body for a HEAD, neither otherwise.</summary>
    private static MonitorHttpResponse Redirect(MonitorHttpRequest request, string location)
    {
        bool getOrHead = request.Method is "GET" or "HEAD";
        string body = request.Method == "GET" ? $"<a href=\"{System.Net.WebUtility.HtmlEncode(location)}\">Moved Permanently</a>.\n\n" : "";
        return new MonitorHttpResponse
        {
            Status = 301,
            ContentType = getOrHead ? "text/html; charset=utf-8" : null,
            Location = location,
            Body = Encoding.UTF8.GetBytes(body),
        };
    }

    private byte[] Serialize<T>(string endpoint, T value, JsonTypeInfo<T> type)
    {
        // Counted after the query is decoded, as nats-server counts in each handler.
        _monitor.CountRequest(endpoint);
        return GoEscape(JsonSerializer.SerializeToUtf8Bytes(value, type));
    }

    private byte[] Varz()
    {
        // Counted before it is built, so the first /varz already shows itself.
        _monitor.CountRequest("/varz");
        return GoEscape(JsonSerializer.SerializeToUtf8Bytes(_monitor.Varz(), Json.Varz));
    }

    private byte[] Subsz(HttpQuery q)
    {
        _monitor.CountRequest("/subsz");
        bool subs = Bool(q, "subs");
        int offset = Int(q, "offset");
        int limit = Int(q, "limit");
        object result = _monitor.Subsz(subs, offset, limit, q.Get("test"), q.Get("acc"));
        byte[] json = result is Subsz full
            ? JsonSerializer.SerializeToUtf8Bytes(full, Json.Subsz)
            : JsonSerializer.SerializeToUtf8Bytes((SublistStatsJson)result, Json.SublistStatsJson);
        return GoEscape(json);
    }

    private byte[] Healthz(HttpQuery q, out int status)
    {
        _monitor.CountRequest("/healthz");
        status = 200;
        if (Bool(q, "js-enabled"))
        {
            _monitor.WarnDeprecatedJsEnabled();
        }

        // js-enabled-only and js-server-only skip checks of a clustered JetStream that a single server does not have.
        Bool(q, "js-enabled-only");
        Bool(q, "js-server-only");
        if (_monitor.HealthzError() is { } error)
        {
            status = 503;
            return Encoding.UTF8.GetBytes($$"""{"status":"unavailable","error":"{{error}}"}""");
        }

        return """{"status":"ok"}"""u8.ToArray();
    }

    private Routez RoutezQuery(HttpQuery q)
    {
        (bool subs, bool detail) = Subs(q);
        return _monitor.Routez(subs, detail);
    }

    private Leafz LeafzQuery(HttpQuery q)
    {
        return _monitor.Leafz(Bool(q, "subs"), q.Get("acc"));
    }

    private Gatewayz GatewayzQuery(HttpQuery q)
    {
        Bool(q, "accs");
        return _monitor.Gatewayz();
    }

    private static ConnzOptions ConnzQuery(HttpQuery q)
    {
        string sort = q.Get("sort");
        bool auth = Bool(q, "auth");
        (bool subs, bool detail) = Subs(q);
        int offset = Int(q, "offset");
        int limit = Int(q, "limit");
        ulong cid = UInt64(q, "cid");
        ConnState state = State(q);
        return new ConnzOptions
        {
            Sort = sort,
            Auth = auth,
            Subs = subs,
            SubsDetail = detail,
            Offset = offset,
            Limit = limit,
            Cid = cid,
            State = state,
            User = q.Get("user"),
            Account = q.Get("acc"),
        };
    }

    private static bool Bool(HttpQuery q, string name)
    {
        string s = q.Get(name);
        if (s.Length == 0)
        {
            return false;
        }

        return GoFormat.TryParseBool(s, out bool value)
            ? value
            : throw new MonitorQueryException($"Error decoding boolean for '{name}': strconv.ParseBool: parsing {GoQuote(s)}: invalid syntax");
    }

    private static (bool Subs, bool Detail) Subs(HttpQuery q) =>
        q.Get("subs").Equals("detail", StringComparison.OrdinalIgnoreCase) ? (false, true) : (Bool(q, "subs"), false);

    private static int Int(HttpQuery q, string name)
    {
        string s = q.Get(name);
        if (s.Length == 0)
        {
            return 0;
        }

        if (int.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        string why = IsInteger(s) ? "value out of range" : "invalid syntax";
        throw new MonitorQueryException($"Error decoding int for '{name}': strconv.Atoi: parsing {GoQuote(s)}: {why}");
    }

    private static ulong UInt64(HttpQuery q, string name)
    {
        string s = q.Get(name);
        if (s.Length == 0)
        {
            return 0;
        }

        if (s.All(char.IsAsciiDigit) && ulong.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong value))
        {
            return value;
        }

        string why = s.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
        throw new MonitorQueryException($"Error decoding uint64 for '{name}': strconv.ParseUint: parsing {GoQuote(s)}: {why}");
    }

    private static bool IsInteger(string s)
    {
        ReadOnlySpan<char> digits = s.AsSpan(s[0] is '+' or '-' ? 1 : 0);
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static ConnState State(HttpQuery q)
    {
        string s = q.Get("state");
        return s.ToLowerInvariant() switch
        {
            "" or "open" => ConnState.Open,
            "closed" => ConnState.Closed,
            "any" or "all" => ConnState.All,
            _ => throw new MonitorQueryException($"Error decoding state for {s}"),
        };
    }

    private static string GoQuote(string s) => Logging.GoQuote.Quote(Encoding.UTF8.GetBytes(s));

    private static MonitorHttpResponse JsonResponse(HttpQuery query, byte[] json, int status)
    {
        // Go's handlers set the type after a 503's status line went out, so Go sniffs it instead: plain text.
        string callback = query.Get("callback");
        if (callback.Length > 0)
        {
            byte[] prefix = Encoding.UTF8.GetBytes(callback + "(");
            byte[] wrapped = [.. prefix, .. json, (byte)')'];
            return new MonitorHttpResponse { Status = status, ContentType = status == 200 ? "application/javascript" : TextType, Body = wrapped };
        }

        return new MonitorHttpResponse { Status = status, ContentType = status == 200 ? JsonType : TextType, Body = json };
    }

    /// <summary>Go's encoder writes &lt; &gt; &amp; as \u003c \u003e \u0026; they only occur inside strings.</summary>
    internal static byte[] GoEscape(byte[] json)
    {
        int extra = 0;
        foreach (byte b in json)
        {
            if (b is (byte)'<' or (byte)'>' or (byte)'&')
            {
                extra += 5;
            }
        }

        if (extra == 0)
        {
            return json;
        }

        byte[] result = new byte[json.Length + extra];
        int j = 0;
        foreach (byte b in json)
        {
            ReadOnlySpan<byte> escape = b switch
            {
                (byte)'<' => "\\u003c"u8,
                (byte)'>' => "\\u003e"u8,
                (byte)'&' => "\\u0026"u8,
                _ => default,
            };
            if (escape.IsEmpty)
            {
                result[j++] = b;
            }
            else
            {
                escape.CopyTo(result.AsSpan(j));
                j += escape.Length;
            }
        }

        return result;
    }
}
