using NatsSharp.Server.Accounts;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream;

/// <summary>An account's JetStream: its streams (by name) and API counters.</summary>
internal sealed class JsAccount
{
    private readonly Dictionary<string, JsStream> _streams = new(StringComparer.Ordinal);
    private long _apiTotal;
    private long _apiErrors;

    public JsAccount(JetStreamEngine engine, Account account)
    {
        Engine = engine;
        Account = account;
    }

    public JetStreamEngine Engine { get; }

    /// <summary>The account's JetStream limits (all -1 when only enabled).</summary>
    public JetStreamAccountLimits Limits { get; init; } = new();

    /// <summary>False for an account the config does not enable: it answers $JS.API.INFO with an error only (nats-server).</summary>
    public bool Enabled { get; init; } = true;

    public Account Account { get; }

    public Lock Lock { get; } = new();

    public ulong ApiTotal => (ulong)Interlocked.Read(ref _apiTotal);

    public ulong ApiErrors => (ulong)Interlocked.Read(ref _apiErrors);

    public void CountRequest() => Interlocked.Increment(ref _apiTotal);

    public void CountError() => Interlocked.Increment(ref _apiErrors);

    public List<JsStream> Streams
    {
        get
        {
            lock (Lock)
            {
                return [.. _streams.Values.OrderBy(s => s.Name, StringComparer.Ordinal)];
            }
        }
    }

    public JsStream? Find(string name)
    {
        lock (Lock)
        {
            return _streams.GetValueOrDefault(name);
        }
    }

    public void Add(JsStream stream)
    {
        lock (Lock)
        {
            _streams[stream.Name] = stream;
        }
    }

    public void Remove(JsStream stream)
    {
        lock (Lock)
        {
            _streams.Remove(stream.Name);
        }
    }
}
