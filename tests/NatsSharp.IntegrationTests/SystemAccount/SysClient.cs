using System.Text;
using System.Text.Json;
using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests.SystemAccount;

/// <summary>A raw client that reads whole MSGs (subject, payload) and collects them by subject, for $SYS traffic.</summary>
internal sealed class SysClient : IAsyncDisposable
{
    private readonly RawClient _raw;

    private SysClient(RawClient raw) => _raw = raw;

    public static async Task<SysClient> ConnectAsync(int port, string user, string password, string name = "sys-test")
    {
        RawClient raw = await RawClient.ConnectAsync(port);
        string connect = JsonSerializer.Serialize(new { verbose = false, pedantic = false, user, pass = password, name, lang = "raw", version = "1.0", headers = true });
        await raw.SendAsync($"CONNECT {connect}\r\nPING\r\n");
        Assert.Equal("PONG", await raw.ReadLineSkippingPingsAsync());
        return new SysClient(raw);
    }

    public Task SendAsync(string text) => _raw.SendAsync(text);

    /// <summary>Subscribes and waits for the server to have it (PING/PONG).</summary>
    public async Task SubscribeAsync(string subject, int sid)
    {
        await _raw.SendAsync($"SUB {subject} {sid}\r\nPING\r\n");
        await NextUntilPongAsync();
    }

    public Task PublishAsync(string subject, string? reply, string body)
    {
        int n = Encoding.UTF8.GetByteCount(body);
        return _raw.SendAsync(reply is null ? $"PUB {subject} {n}\r\n{body}\r\n" : $"PUB {subject} {reply} {n}\r\n{body}\r\n");
    }

    /// <summary>The next MSG (PINGs answered, PONGs skipped).</summary>
    public async Task<(string Subject, string Body)> NextAsync(TimeSpan? timeout = null)
    {
        for (int i = 0; i < 1000; i++)
        {
            string line = await _raw.ReadLineAsync(timeout);
            if (line == "PING")
            {
                await _raw.SendAsync("PONG\r\n");
                continue;
            }

            if (!line.StartsWith("MSG ", StringComparison.Ordinal))
            {
                continue;
            }

            string[] parts = line.Split(' ');
            string body = await _raw.ReadPayloadAsync(int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture), timeout);
            return (parts[1], body);
        }

        throw new InvalidOperationException("no MSG");
    }

    /// <summary>MSGs until the first one on <paramref name="subject"/> (included).</summary>
    public async Task<List<(string Subject, string Body)>> UntilAsync(string subject, TimeSpan? timeout = null)
    {
        var seen = new List<(string, string)>();
        for (int i = 0; i < 1000; i++)
        {
            (string s, string b) = await NextAsync(timeout);
            seen.Add((s, b));
            if (s == subject)
            {
                return seen;
            }
        }

        throw new InvalidOperationException($"no MSG on {subject}");
    }

    private async Task NextUntilPongAsync()
    {
        for (int i = 0; i < 1000; i++)
        {
            if (await _raw.ReadLineAsync() == "PONG")
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => _raw.DisposeAsync();
}
