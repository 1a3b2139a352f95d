using NatsSharp.Server.JetStream;

namespace NatsSharp.Server.Monitoring;

/// <summary>JetStream's parts of /varz and /jsz.</summary>
internal sealed partial class ServerMonitor
{
    public JetStreamVarz JetStreamVarz()
    {
        if (_server.JetStream is not { } js)
        {
            return new JetStreamVarz();
        }

        JetStreamUsage u = js.Usage();
        return new JetStreamVarz
        {
            Config = ConfigOf(js),
            Stats = new JetStreamStatsJson
            {
                Memory = u.Memory,
                Storage = u.Storage,
                Accounts = u.Accounts,
                Api = new JetStream.Api.ApiStats { Total = u.ApiTotal, Errors = u.ApiErrors },
            },
        };
    }

    /// <summary>
    /// /healthz's JetStream check on a single server (nats-server 2.9.10's healthz): JetStream configured
    /// but not running is unavailable; with it running (or not configured) the server is healthy.
    /// </summary>
    public string? HealthzError() => _server.Options.JetStream is not null && _server.JetStream is null ? "JetStream not enabled (10076)" : null;

    public void WarnDeprecatedJsEnabled() => _server.Log.Warn("Healthcheck: js-enabled deprecated, use js-enabled-only instead");

    public Jsz Jsz(bool accounts = false)
    {
        if (_server.JetStream is not { } js)
        {
            return new Jsz { ServerId = _server.ServerId, Now = DateTime.UtcNow, Disabled = true, Config = new JetStreamConfigJson() }; // nats-server's zero config, store_dir omitted
        }

        JetStreamUsage u = js.Usage();
        return new Jsz
        {
            ServerId = _server.ServerId,
            Now = DateTime.UtcNow,
            Config = ConfigOf(js),
            Memory = u.Memory,
            Storage = u.Storage,
            Accounts = u.Accounts,
            Api = new JetStream.Api.ApiStats { Total = u.ApiTotal, Errors = u.ApiErrors },
            Streams = u.Streams,
            Consumers = u.Consumers,
            Messages = u.Messages,
            Bytes = u.Bytes,
            AccountDetails = accounts ? [.. js.Accounts.Where(a => a.Enabled).OrderBy(a => a.Account.Name, StringComparer.Ordinal).Select(JszAccountOf)] : null,
        };
    }

    /// <summary>One account's JetStream numbers, or null when JetStream is not enabled for it.</summary>
    public JszAccount? JszAccount(string account) =>
        _server.JetStream?.Accounts.FirstOrDefault(a => a.Account.Name == account && a.Enabled) is { } js ? JszAccountOf(js) : null;

    private static JszAccount JszAccountOf(JsAccount js) => new()
    {
        Name = js.Account.Name,
        Id = js.Account.Name,
        Memory = JsLimits.Used(js, memory: true),
        Storage = JsLimits.Used(js, memory: false),
        ReservedMemory = js.Limits.MaxMemory > 0 ? (ulong)js.Limits.MaxMemory : 0, // nats-server reports the account's limit as its reservation
        ReservedStorage = js.Limits.MaxStore > 0 ? (ulong)js.Limits.MaxStore : 0,
        Api = new JetStream.Api.ApiStats { Total = js.ApiTotal, Errors = js.ApiErrors },
    };

    private static JetStreamConfigJson ConfigOf(JetStreamEngine js) => new()
    {
        MaxMemory = js.MaxMemory,
        MaxStorage = js.MaxStore,
        StoreDir = js.StoreDir,
        Domain = js.Domain,
    };
}
