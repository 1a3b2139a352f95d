using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;
using NatsSharp.Server.Monitoring;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The system account at work, as nats-server 2.9.10 runs it (events.go): the <c>$SYS.REQ.…</c>
/// services every server answers, the events it publishes (STATSZ heartbeats, connect/disconnect
/// advisories, account connection counts, auth errors, shutdown), the servers it hears of, and
/// the system services imported into every other account. Handlers run on the publisher's read
/// loop, so they copy the request and leave the work to one loop of their own.
/// </summary>
internal sealed partial class SystemServices : IDisposable
{
    /// <summary>nats-server's <c>eventsHBInterval</c>: the STATSZ and account-connections heartbeat.</summary>
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstStatsz = TimeSpan.FromMilliseconds(250);

    private readonly NatsServer _server;
    private readonly Lock _sendLock = new();
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<InternalSubscriber> _subs = [];
    private readonly MonitorJson _monitorJson = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
    private ulong _seq;
    private Task? _workLoop;
    private Timer? _statszTimer;
    private TimeSpan _statszInterval = FirstStatsz;
    private volatile bool _stopped;

    public SystemServices(NatsServer server, Account account)
    {
        _server = server;
        Account = account;
        Hash = NodeHash(server.ServerName);
    }

    /// <summary>The system account.</summary>
    public Account Account { get; }

    /// <summary>nats-server's 8-character hash of the server name (its <c>$SYS._INBOX.&lt;hash&gt;.*</c>).</summary>
    public string Hash { get; }

    private string ServerId => _server.ServerId;

    public void Start()
    {
        _workLoop = Task.Run(WorkLoopAsync);
        SubscribeAll();
        InstallImports();
        _statszTimer = new Timer(_ => OnStatszTimer(), null, FirstStatsz, Timeout.InfiniteTimeSpan);
        StartServerSweep();
    }

    /// <summary>Shutdown: the heartbeats stop and the SHUTDOWN event is queued before the routes close.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _statszTimer?.Dispose();
        StopServerSweep();
        StopAccountHeartbeats();
        EventServerInfo info;
        lock (_sendLock)
        {
            info = NextServerInfo();
            _server.Internal.Publish(Account, $"$SYS.SERVER.{ServerId}.SHUTDOWN", null, JsonSerializer.SerializeToUtf8Bytes(info, SystemJson.Default.EventServerInfo));
        }

        _work.Writer.TryComplete();
        if (_workLoop is not null)
        {
            await _workLoop.ConfigureAwait(false);
        }

        await _server.Internal.FlushAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _statszTimer?.Dispose();
        StopServerSweep();
        StopAccountHeartbeats();
    }

    /// <summary>Subscribes <paramref name="handler"/> in the system account; the message is copied and handled on the work loop.</summary>
    private InternalSubscriber Subscribe(string subject, Action<ReceivedMessage> handler)
    {
        InternalSubscriber sub = _server.Internal.Subscribe(Account, subject, (Account _, in InternalMessage m) =>
        {
            ReceivedMessage copy = m.ToReceived();
            _work.Writer.TryWrite(() => handler(copy));
        });
        _subs.Add(sub);
        return sub;
    }

    /// <summary>A subscription whose interest stays on this server (nats-server's <c>sysSubscribeInternal</c>).</summary>
    private void SubscribeLocal(string subject)
    {
        var subscriber = new InternalSubscriber(Account, static (Account _, in InternalMessage _) => { });
        byte[] bytes = Encoding.UTF8.GetBytes(subject);
        var sub = new Subscription(subscriber, bytes, null, "0"u8.ToArray()) { AccountName = Account.Name };
        subscriber.Subscription = sub;
        Account.Sublist.Insert(sub);
    }

    private async Task WorkLoopAsync()
    {
        ChannelReader<Action> reader = _work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out Action? work))
            {
                try
                {
                    work();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _server.Log.Error($"Error in system account handler: {ex.Message}");
                }
            }
        }
    }

    /// <summary>
    /// Publishes one message in the system account. The sequence number is taken under the same lock
    /// that queues the message, so other servers see it rise (nats-server errors on one out of order).
    /// </summary>
    private void Send<T>(string subject, string? reply, T message, JsonTypeInfo<T> type, Func<T, EventServerInfo> server)
    {
        if (_stopped)
        {
            return;
        }

        lock (_sendLock)
        {
            EventServerInfo info = server(message);
            Fill(info);
            _server.Internal.Publish(Account, subject, reply, JsonSerializer.SerializeToUtf8Bytes(message, type));
        }
    }

    /// <summary>Publishes raw bytes (an API response built around a fresh server info).</summary>
    private void SendRaw(string subject, Func<EventServerInfo, byte[]> build)
    {
        if (_stopped)
        {
            return;
        }

        lock (_sendLock)
        {
            _server.Internal.Publish(Account, subject, null, build(NextServerInfo()));
        }
    }

    private EventServerInfo NextServerInfo()
    {
        var info = new EventServerInfo();
        Fill(info);
        return info;
    }

    private void Fill(EventServerInfo info)
    {
        info.Name = _server.ServerName;
        info.Host = _server.Options.Host;
        info.Id = ServerId;
        info.Cluster = ClusterName is { Length: > 0 } c ? c : null;
        info.Version = ServerVersion.Compatible;
        info.Tags = _server.Options.ServerTags is { Count: > 0 } tags ? [.. tags] : null;
        info.Seq = ++_seq;
        info.JetStream = _server.JetStream is not null;
        info.Time = GoFormat.Time(DateTime.UtcNow);
    }

    private string ClusterName => _server.Cluster?.Name ?? "";

    /// <summary>nats-server's <c>getHash</c>: SHA-256 of the name, the first 8 bytes mapped onto its 62 digits.</summary>
    internal static string NodeHash(string name)
    {
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        byte[] sha = ManagedSha256.Hash(Encoding.UTF8.GetBytes(name)); // not SHA256.HashData: that loads OpenSSL
        var hash = new char[8];
        for (int i = 0; i < hash.Length; i++)
        {
            hash[i] = digits[sha[i] % digits.Length];
        }

        return new string(hash);
    }

    /// <summary>An event id of nats-server's shape: 22 characters of base 62.</summary>
    private static string NextEventId()
    {
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<char> id = stackalloc char[22];
        for (int i = 0; i < id.Length; i++)
        {
            id[i] = digits[Random.Shared.Next(digits.Length)]; // unique, not secret (nats-server's nuid); no OpenSSL call per event
        }

        return new string(id);
    }
}
