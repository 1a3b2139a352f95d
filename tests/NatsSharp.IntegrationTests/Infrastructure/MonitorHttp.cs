using System.Net;
using System.Text.Json;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>GETs from a monitoring port with a bounded timeout.</summary>
public sealed class MonitorHttp : IDisposable
{
    private readonly HttpClient _http;

    public MonitorHttp(int port, string scheme = "http", HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri($"{scheme}://127.0.0.1:{port}");
        _http.Timeout = TimeSpan.FromSeconds(10);
    }

    public async Task<(HttpStatusCode Status, string ContentType, string Body)> GetAsync(string path)
    {
        using HttpResponseMessage response = await _http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        string type = response.Content.Headers.ContentType?.ToString() ?? "";
        return (response.StatusCode, type, body);
    }

    /// <summary>GETs a JSON endpoint that must answer 200.</summary>
    public async Task<JsonElement> JsonAsync(string path)
    {
        var (status, type, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        Assert.Equal("application/json", type);
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
