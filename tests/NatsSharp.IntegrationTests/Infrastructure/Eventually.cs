using System.Text.Json;

namespace NatsSharp.IntegrationTests.Infrastructure;

/// <summary>
/// The suite's one way to wait: poll a condition at a short interval until it holds or a bound passes,
/// instead of sleeping a fixed time. Every poll loop in the tests goes through here.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        if (!await ReachedAsync(condition, timeout, interval))
        {
            Assert.Fail($"timed out waiting for: {what}");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (true) or the bound passes (false), for callers that report the last state themselves.</summary>
    public static async Task<bool> ReachedAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(interval ?? PollInterval);
        }

        return true;
    }

    /// <summary>
    /// GETs a monitoring JSON endpoint until <paramref name="done"/> holds and returns that answer
    /// (server-wide counters are added once per read batch, interest crosses routes later).
    /// </summary>
    public static async Task<JsonElement> JsonAsync(MonitorHttp http, string path, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        JsonElement last = default;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            last = await http.JsonAsync(path);
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{path} never reached the expected state; last answer: {last}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(25));
        }
    }
}
