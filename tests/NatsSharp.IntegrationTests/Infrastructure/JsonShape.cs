using System.Text.Json;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>The shape of a JSON document: every key path (arrays as "[]") with its JSON kind, for comparing two servers' answers.</summary>
public static class JsonShape
{
    /// <summary>
    /// Keys of the objects at <paramref name="mapPaths"/> are data, not names (e.g. /accountz
    /// "responses", keyed by reply subject): they are all written as "*".
    /// </summary>
    public static Dictionary<string, string> Of(string body, params string[] mapPaths)
    {
        var shape = new Dictionary<string, string>(StringComparer.Ordinal);
        string json = body.StartsWith('{') || body.StartsWith('[') ? body : "\"" + body + "\"";
        using JsonDocument doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, "", shape, mapPaths);
        return shape;
    }

    /// <summary>Fails with both bodies when a key path is missing on one side or has another JSON kind, outside <paramref name="ignored"/>.</summary>
    public static void AssertSame(string what, string expectedBody, string actualBody, IReadOnlySet<string> ignored, params string[] mapPaths)
    {
        Dictionary<string, string> expected = Of(expectedBody, mapPaths);
        Dictionary<string, string> actual = Of(actualBody, mapPaths);
        var missing = expected.Keys.Except(actual.Keys).Except(ignored).Order(StringComparer.Ordinal).ToList();
        var extra = actual.Keys.Except(expected.Keys).Except(ignored).Order(StringComparer.Ordinal).ToList();
        var wrongType = expected.Keys.Intersect(actual.Keys).Where(k => expected[k] != actual[k]).Select(k => $"{k}: {expected[k]} vs {actual[k]}").ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && wrongType.Count == 0,
            $"{what}\nmissing: {string.Join(", ", missing)}\nextra: {string.Join(", ", extra)}\ntypes (nats-server vs ours): {string.Join(", ", wrongType)}\nnats-server:\n{expectedBody}\nours:\n{actualBody}");
    }

    private static void Walk(JsonElement e, string path, Dictionary<string, string> shape, string[] mapPaths)
    {
        string kind = e.ValueKind switch
        {
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => e.ValueKind.ToString(),
        };
        if (path.Length > 0)
        {
            shape[path] = kind;
        }

        if (e.ValueKind == JsonValueKind.Object)
        {
            bool isMap = Array.IndexOf(mapPaths, path) >= 0;
            foreach (JsonProperty p in e.EnumerateObject())
            {
                string name = isMap ? "*" : p.Name;
                Walk(p.Value, path.Length == 0 ? name : path + "." + name, shape, mapPaths);
            }
        }
        else if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in e.EnumerateArray())
            {
                Walk(item, path + "[]", shape, mapPaths);
            }
        }
    }
}
