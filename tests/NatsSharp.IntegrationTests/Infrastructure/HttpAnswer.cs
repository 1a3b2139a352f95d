namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>A response as <see cref="RawHttp"/> read it, without its Date header.</summary>
public sealed record HttpAnswer(string StatusLine, Dictionary<string, string> Headers, string Body)
{
    public override string ToString() =>
        $"{StatusLine} | {string.Join(", ", Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {h.Value}"))} | {Body}";
}
