using System.Text.Json;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The JSON body of a $SYS request, read as Go's json.Unmarshal reads it into nats-server's
/// <c>…EventOptions</c>: keys match case-insensitively, unknown keys are ignored, a value of the wrong
/// kind is an error (answered with code 400). An empty body means the defaults.
/// </summary>
internal sealed class RequestBody
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _type;

    private RequestBody(string type) => _type = type;

    /// <summary>Parses <paramref name="data"/>; throws <see cref="RequestBodyException"/> when it is not a JSON object.</summary>
    public static RequestBody Parse(ReadOnlySpan<byte> data, string goType)
    {
        var body = new RequestBody(goType);
        if (data.IsEmpty)
        {
            return body;
        }

        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(data.ToArray());
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new RequestBodyException(GoSyntaxError(data, ex));
        }

        if (root.ValueKind == JsonValueKind.Null)
        {
            return body;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RequestBodyException($"json: cannot unmarshal {GoKind(root)} into Go value of type server.{goType}");
        }

        foreach (JsonProperty p in root.EnumerateObject())
        {
            body._fields[p.Name] = p.Value;
        }

        return body;
    }

    /// <summary>The filter every request shares: <c>server_name</c>, <c>cluster</c>, <c>host</c>, <c>tags</c>, <c>domain</c>.</summary>
    public EventFilter Filter => new(String("server_name"), String("cluster"), String("host"), Strings("tags"), String("domain"));

    public string String(string name) => Get(name, JsonValueKind.String, "string") is { } e ? e.GetString() ?? "" : "";

    public bool Bool(string name) => Get(name, JsonValueKind.True, "bool") is { } e && e.GetBoolean();

    public int Int(string name) => Get(name, JsonValueKind.Number, "int") is { } e
        ? e.TryGetInt32(out int v) ? v : throw new RequestBodyException($"json: cannot unmarshal number {e.GetRawText()} into Go struct field {_type}.{name} of type int")
        : 0;

    public ulong UInt64(string name) => Get(name, JsonValueKind.Number, "uint64") is { } e
        ? e.TryGetUInt64(out ulong v) ? v : throw new RequestBodyException($"json: cannot unmarshal number {e.GetRawText()} into Go struct field {_type}.{name} of type uint64")
        : 0;

    public List<string> Strings(string name)
    {
        if (Get(name, JsonValueKind.Array, "[]string") is not { } e)
        {
            return [];
        }

        var list = new List<string>();
        foreach (JsonElement item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new RequestBodyException($"json: cannot unmarshal {GoKind(item)} into Go struct field {_type}.{name} of type string");
            }

            list.Add(item.GetString()!);
        }

        return list;
    }

    private JsonElement? Get(string name, JsonValueKind kind, string goType)
    {
        if (!_fields.TryGetValue(name, out JsonElement e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        bool ok = kind == JsonValueKind.True ? e.ValueKind is JsonValueKind.True or JsonValueKind.False : e.ValueKind == kind;
        return ok ? e : throw new RequestBodyException($"json: cannot unmarshal {GoKind(e)} into Go struct field {_type}.{name} of type {goType}");
    }

    private static string GoKind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    /// <summary>Go's words for the usual syntax errors; the offending character is the first one the reader refused.</summary>
    private static string GoSyntaxError(ReadOnlySpan<byte> data, JsonException ex)
    {
        int at = (int)Math.Min(ex.BytePositionInLine ?? 0, data.Length - 1);
        if (ex.LineNumber is 0 && at >= 0 && at < data.Length)
        {
            char c = (char)data[at];
            if (data[..at].TrimEnd(" \t\r\n"u8).EndsWith("{"u8) || data[..at].TrimEnd(" \t\r\n"u8).EndsWith(","u8))
            {
                return $"invalid character '{c}' looking for beginning of object key string";
            }

            return $"invalid character '{c}' looking for beginning of value";
        }

        return "unexpected end of JSON input";
    }
}
