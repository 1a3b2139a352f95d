using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The thin HTTP adapter: Kestrel on the monitoring port, one terminal handler that maps
/// nats-server's paths to <see cref="ServerMonitor"/> and writes its JSON the way Go does.
/// </summary>
internal sealed partial class MonitorHttpServer : IAsyncDisposable
{
    private const string JsonType = "application/json";
    private const string TextType = "text/plain; charset=utf-8";

    // Go escapes only <, > and & (and prints other characters such as µ as they are).
    private static readonly MonitorJson Json = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private readonly WebApplication _app;
    private readonly ServerMonitor _monitor;
    private readonly string _basePath;
    private readonly byte[] _dashboard;

    private MonitorHttpServer(WebApplication app, ServerMonitor monitor, string basePath)
    {
        _app = app;
        _monitor = monitor;
        _basePath = basePath;
        _dashboard = Dashboard.Render(basePath);
    }

    /// <summary>Starts serving on the bound, listening <paramref name="socket"/> (its owner closes it); a certificate makes it HTTPS.</summary>
    public static async Task<MonitorHttpServer> StartAsync(ServerMonitor monitor, Socket socket, X509Certificate2? certificate, string basePath)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.ListenHandle((ulong)socket.Handle, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
                else
                {
                    listen.Protocols = HttpProtocols.Http1;
                }
            });
        });
        WebApplication app = builder.Build();
        var server = new MonitorHttpServer(app, monitor, NormalizeBasePath(basePath));
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>As nats-server: "" and "/" are the root, "nats/" becomes "/nats".</summary>
    internal static string NormalizeBasePath(string basePath)
    {
        string trimmed = basePath.Trim().Trim('/');
        return trimmed.Length == 0 ? "/" : "/" + trimmed;
    }

    private string PathOf(string endpoint) => _basePath == "/" ? endpoint : _basePath + endpoint;

    private async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (path == _basePath)
        {
            _monitor.CountRequest("/");
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.Body.WriteAsync(_dashboard).ConfigureAwait(false);
            return;
        }

        string endpoint = _basePath == "/" ? path : path.StartsWith(_basePath + "/", StringComparison.Ordinal) ? path[_basePath.Length..] : "";
        if (endpoint == "/metrics")
        {
            await WriteMetricsAsync(context).ConfigureAwait(false);
            return;
        }

        if (endpoint == "/subscriptionsz")
        {
            endpoint = "/subsz";
        }

        try
        {
            byte[]? body = endpoint switch
            {
                "/varz" => Varz(),
                "/connz" => Serialize(endpoint, _monitor.Connz(ConnzQuery(context.Request.Query)), Json.Connz),
                "/routez" => Serialize(endpoint, RoutezQuery(context.Request.Query), Json.Routez),
                "/leafz" => Serialize(endpoint, LeafzQuery(context.Request.Query), Json.Leafz),
                "/gatewayz" => Serialize(endpoint, GatewayzQuery(context.Request.Query), Json.Gatewayz),
                "/accountz" => Serialize(endpoint, _monitor.Accountz(Get(context.Request.Query, "acc")), Json.Accountz),
                "/accstatz" => Serialize(endpoint, _monitor.AccountStatz(Bool(context.Request.Query, "unused")), Json.AccountStatz),
                "/subsz" => Subsz(context.Request.Query),
                "/healthz" => Healthz(context.Request.Query, context.Response),
                "/jsz" => Serialize(endpoint, _monitor.Jsz(Bool(context.Request.Query, "accounts")), Json.Jsz),
                _ => null,
            };
            if (body is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = TextType;
                context.Response.Headers["X-Content-Type-Options"] = "nosniff";
                await context.Response.WriteAsync("404 page not found\n").ConfigureAwait(false);
                return;
            }

            await WriteJsonAsync(context, body).ConfigureAwait(false);
        }
        catch (MonitorQueryException ex)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = TextType;
            await context.Response.WriteAsync(ex.Message).ConfigureAwait(false);
        }
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

    private byte[] Subsz(IQueryCollection q)
    {
        _monitor.CountRequest("/subsz");
        bool subs = Bool(q, "subs");
        int offset = Int(q, "offset");
        int limit = Int(q, "limit");
        object result = _monitor.Subsz(subs, offset, limit, Get(q, "test"), Get(q, "acc"));
        byte[] json = result is Subsz full
            ? JsonSerializer.SerializeToUtf8Bytes(full, Json.Subsz)
            : JsonSerializer.SerializeToUtf8Bytes((SublistStatsJson)result, Json.SublistStatsJson);
        return GoEscape(json);
    }

    private byte[] Healthz(IQueryCollection q, HttpResponse response)
    {
        _monitor.CountRequest("/healthz");
        if (Bool(q, "js-enabled"))
        {
            _monitor.WarnDeprecatedJsEnabled();
        }

        // js-enabled-only and js-server-only skip checks of a clustered JetStream that a single server does not have.
        Bool(q, "js-enabled-only");
        Bool(q, "js-server-only");
        if (_monitor.HealthzError() is { } error)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Encoding.UTF8.GetBytes($$"""{"status":"unavailable","error":"{{error}}"}""");
        }

        return """{"status":"ok"}"""u8.ToArray();
    }

    private Routez RoutezQuery(IQueryCollection q)
    {
        (bool subs, bool detail) = Subs(q);
        return _monitor.Routez(subs, detail);
    }

    private Leafz LeafzQuery(IQueryCollection q)
    {
        return _monitor.Leafz(Bool(q, "subs"), Get(q, "acc"));
    }

    private Gatewayz GatewayzQuery(IQueryCollection q)
    {
        Bool(q, "accs");
        return _monitor.Gatewayz();
    }

    private static ConnzOptions ConnzQuery(IQueryCollection q)
    {
        string sort = Get(q, "sort");
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
            User = Get(q, "user"),
            Account = Get(q, "acc"),
        };
    }

    private static string Get(IQueryCollection q, string name) => q.TryGetValue(name, out var v) ? v[0] ?? "" : "";

    private static bool Bool(IQueryCollection q, string name)
    {
        string s = Get(q, name);
        if (s.Length == 0)
        {
            return false;
        }

        return GoFormat.TryParseBool(s, out bool value)
            ? value
            : throw new MonitorQueryException($"Error decoding boolean for '{name}': strconv.ParseBool: parsing {GoQuote(s)}: invalid syntax");
    }

    private static (bool Subs, bool Detail) Subs(IQueryCollection q) =>
        Get(q, "subs").Equals("detail", StringComparison.OrdinalIgnoreCase) ? (false, true) : (Bool(q, "subs"), false);

    private static int Int(IQueryCollection q, string name)
    {
        string s = Get(q, name);
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

    private static ulong UInt64(IQueryCollection q, string name)
    {
        string s = Get(q, name);
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

    private static ConnState State(IQueryCollection q)
    {
        string s = Get(q, "state");
        return s.ToLowerInvariant() switch
        {
            "" or "open" => ConnState.Open,
            "closed" => ConnState.Closed,
            "any" or "all" => ConnState.All,
            _ => throw new MonitorQueryException($"Error decoding state for {s}"),
        };
    }

    private static string GoQuote(string s) => Logging.GoQuote.Quote(Encoding.UTF8.GetBytes(s));

    private static async Task WriteJsonAsync(HttpContext context, byte[] json)
    {
        string callback = Get(context.Request.Query, "callback");
        if (callback.Length > 0)
        {
            context.Response.ContentType = "application/javascript";
            await context.Response.WriteAsync(callback + "(").ConfigureAwait(false);
            await context.Response.Body.WriteAsync(json).ConfigureAwait(false);
            await context.Response.WriteAsync(")").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = JsonType;
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json).ConfigureAwait(false);
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
