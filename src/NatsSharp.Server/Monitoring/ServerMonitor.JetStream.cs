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

    public Jsz Jsz()
    {
        if (_server.JetStream is not { } js)
        {
            return new Jsz { ServerId = _server.ServerId, Now = DateTime.UtcNow, Disabled = true };
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
        };
    }

    private static JetStreamConfigJson ConfigOf(JetStreamEngine js) => new()
    {
        MaxMemory = js.MaxMemory,
        MaxStorage = js.MaxStore,
        StoreDir = js.StoreDir,
        Domain = js.Domain,
    };
}
