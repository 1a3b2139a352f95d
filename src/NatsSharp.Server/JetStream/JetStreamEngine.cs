using System.Text.Json;
using System.Threading.Channels;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Consumers;
using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.JetStream.Streams;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.JetStream;

/// <summary>
/// JetStream on one server: an <see cref="JsAccount"/> per account, the $JS.API.&gt; subscription of
/// each (requests queued onto one API loop, off the publishers' read loops), a timer for ages,
/// redeliveries and heartbeats, and recovery of what the store directory holds.
/// </summary>
internal sealed class JetStreamEngine : IDisposable
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The API areas nats-server's domain mapping table carries over (besides INFO).</summary>
    private static readonly string[] DomainMappedAreas = ["STREAM.", "CONSUMER.", "DIRECT.", "META.", "SERVER.", "ACCOUNT."];

    private readonly Channel<(JsAccount Account, ReceivedMessage Message)> _api =
        Channel.CreateUnbounded<(JsAccount, ReceivedMessage)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, JsAccount> _accounts = new(StringComparer.Ordinal);
    private readonly List<InternalSubscriber> _apiSubscriptions = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _apiLoop;
    private Task? _ticker;

    public JetStreamEngine(JetStreamOptions options, ServerClient internalClient, ServerLog log)
    {
        Options = options;
        Internal = internalClient;
        Log = log;
        FileStoreFactory = StreamStoreFactory.File(log);
        StoreDir = Path.Combine(options.StoreDir.Length > 0 ? options.StoreDir : Path.Combine(Path.GetTempPath(), "nats"), "jetstream");
        Api = new JsApi(this);
        Advisories = new Advisories.JsAdvisories(this);
    }

    public JetStreamOptions Options { get; }

    public ServerClient Internal { get; }

    public ServerLog Log { get; }

    public JsApi Api { get; }

    /// <summary>The $JS.EVENT.&gt; advisories and metrics.</summary>
    public Advisories.JsAdvisories Advisories { get; }

    /// <summary>The server's name (its id when none is configured), as advisories and /jsz carry it.</summary>
    public string ServerName { get; set; } = "";

    /// <summary>The server's max_payload: a consumer's rate limit burst when its stream sets no max_msg_size.</summary>
    public int MaxPayload { get; set; } = 1024 * 1024;

    /// <summary>The directory JetStream keeps its data in (store_dir + "/jetstream", as nats-server).</summary>
    public string StoreDir { get; }

    public string? Domain => Options.Domain.Length > 0 ? Options.Domain : null;

    /// <summary>Opens a file stream's store; <see cref="StreamStoreFactory.File"/> unless a test swaps it.</summary>
    public Func<string, StreamStoreLimits, IStreamStore> FileStoreFactory { get; set; }

    public IEnumerable<JsAccount> Accounts
    {
        get
        {
            lock (_accounts)
            {
                return [.. _accounts.Values];
            }
        }
    }

    /// <summary>max_memory_store, or 75% of the memory this process may use (nats-server's default).</summary>
    public long MaxMemory => Options.MaxMemory > 0 ? Options.MaxMemory : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 * 3;

    /// <summary>max_file_store, or 75% of the free space where the store lives (nats-server's default).</summary>
    public long MaxStore
    {
        get
        {
            if (Options.MaxStore > 0)
            {
                return Options.MaxStore;
            }

            try
            {
                return new DriveInfo(Path.GetFullPath(StoreDir)).AvailableFreeSpace / 4 * 3;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
            {
                return 1L << 40;
            }
        }
    }

    public JetStreamUsage Usage()
    {
        ulong memory = 0, storage = 0, messages = 0, bytes = 0, total = 0, errors = 0;
        int accounts = 0, streams = 0, consumers = 0;
        foreach (JsAccount js in Accounts)
        {
            total += js.ApiTotal;
            errors += js.ApiErrors;
            List<JsStream> list = js.Streams;
            accounts += js.Enabled ? 1 : 0;
            foreach (JsStream s in list)
            {
                StreamStoreState st = s.Store.State;
                streams++;
                consumers += s.ConsumerCount;
                messages += st.Messages;
                bytes += st.Bytes;
                if (s.Config.Storage == "memory")
                {
                    memory += st.Bytes;
                }
                else
                {
                    storage += st.Bytes;
                }
            }
        }

        return new JetStreamUsage(memory, storage, accounts, streams, consumers, messages, bytes, total, errors);
    }

    /// <summary>Streams and consumers of a server that is not clustered carry no cluster section (nats-server 2.9.10).</summary>
    public static ClusterInfo? ClusterInfo() => null;

    /// <summary>
    /// Turns JetStream on in the accounts <paramref name="limitsOf"/> gives limits to; the others (but the
    /// system account) only answer $JS.API.INFO with "not enabled for account", as nats-server.
    /// </summary>
    public void Start(IEnumerable<Account> accounts, Func<Account, JetStreamAccountLimits?> limitsOf, string? systemAccount)
    {
        Directory.CreateDirectory(StoreDir);
        foreach (Account account in accounts)
        {
            if (account.Name == systemAccount)
            {
                continue;
            }

            JetStreamAccountLimits? limits = limitsOf(account);
            var js = new JsAccount(this, account) { Limits = limits ?? new JetStreamAccountLimits(), Enabled = limits is not null };
            lock (_accounts)
            {
                _accounts[account.Name] = js;
            }

            if (js.Enabled)
            {
                Recover(js);
            }

            _apiSubscriptions.Add(Internal.Subscribe(account, js.Enabled ? "$JS.API.>" : "$JS.API.INFO", (Account _, in InternalMessage m) =>
                _api.Writer.TryWrite((js, m.ToReceived()))));
            if (js.Enabled && Domain is { } domain)
            {
                // nats-server maps $JS.<domain>.API.<area>.> onto $JS.API in every JetStream account, so another
                // domain (over a leafnode) reaches this one by its prefix.
                string prefix = $"$JS.{domain}.API.";
                _apiSubscriptions.Add(Internal.Subscribe(account, prefix + ">", (Account _, in InternalMessage m) =>
                {
                    ReceivedMessage request = m.ToReceived();
                    string rest = request.Subject[prefix.Length..];
                    if (rest == "INFO" || DomainMappedAreas.Any(a => rest.StartsWith(a, StringComparison.Ordinal)))
                    {
                        _api.Writer.TryWrite((js, request with { Subject = "$JS.API." + rest }));
                    }
                }));
            }
        }

        _apiLoop = Task.Run(ApiLoopAsync);
        _ticker = Task.Run(TickLoopAsync);
    }

    /// <summary>
    /// Stops JetStream (shutdown, or a reload turning it off): the API and capture subscriptions go, the
    /// requests and publishes already queued are answered, then every consumer and store is flushed and
    /// closed, so <see cref="Start"/> on a new engine recovers all that was acknowledged.
    /// </summary>
    public async Task StopAsync()
    {
        foreach (InternalSubscriber sub in _apiSubscriptions)
        {
            Internal.Unsubscribe(sub);
        }

        _apiSubscriptions.Clear();
        _api.Writer.TryComplete();
        if (_apiLoop is not null)
        {
            await _apiLoop.ConfigureAwait(false); // no request runs while the stores close
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_ticker is not null)
        {
            await _ticker.ConfigureAwait(false);
        }

        foreach (JsAccount js in Accounts)
        {
            foreach (JsStream stream in js.Streams)
            {
                try
                {
                    await stream.CloseAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Log.Error($"JetStream stream '{js.Account.Name} > {stream.Name}': could not close its store: {ex.Message}");
                }
            }
        }
    }

    public void Dispose() => _stop.Dispose();

    public void Reply(Account account, string reply, ReadOnlySpan<byte> data) => Internal.Publish(account, reply, null, data);

    /// <summary>The directory of a stream's files.</summary>
    public string StreamDir(Account account, string stream) => Path.Combine(StoreDir, account.Name, "streams", stream);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The stream owns the store it is handed.")]
    public IStreamStore OpenStore(Account account, StreamConfig config) =>
        config.Storage == "memory"
            ? StreamStoreFactory.Memory(JsStream.LimitsOf(config))
            : FileStoreFactory(StreamDir(account, config.Name), JsStream.LimitsOf(config));

    /// <summary>An idle ephemeral (or a consumer past its inactive_threshold) is deleted from the API loop, outside the tick.</summary>
    public void DeleteConsumerLater(JsStream stream, Consumer consumer) =>
        _api.Writer.TryWrite((stream.Account, new ReceivedMessage(JsApi.InternalDeletePrefix + stream.Name + "." + consumer.Name, null, null, [])));

    private async Task ApiLoopAsync()
    {
        ChannelReader<(JsAccount Account, ReceivedMessage Message)> reader = _api.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out (JsAccount Account, ReceivedMessage Message) item))
            {
                try
                {
                    Api.Handle(item.Account, item.Message);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Log.Error($"JetStream API request on \"{item.Message.Subject}\" failed: {ex.Message}");
                }
            }
        }
    }

    private async Task TickLoopAsync()
    {
        using var timer = new PeriodicTimer(TickInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                long now = JsTime.NowNs();
                foreach (JsAccount js in Accounts)
                {
                    foreach (JsStream stream in js.Streams)
                    {
                        try
                        {
                            stream.Tick(now);
                        }
                        catch (Exception ex) when (ex is not OutOfMemoryException)
                        {
                            Log.Error($"JetStream stream '{stream.Name}' timer: {ex.Message}");
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// A stream on a store that already holds its messages and consumers (start-up recovery, a restore):
    /// limits applied, consumers built from their stored config and state and started; the stream itself
    /// is not added or started. <paramref name="consumersCreated"/> gives consumers their creation times.
    /// </summary>
    public static JsStream Load(JsAccount js, IStreamStore store, StreamConfig config, DateTime created, IReadOnlyDictionary<string, DateTime>? consumersCreated = null)
    {
        store.UpdateLimits(JsStream.LimitsOf(config));
        var stream = new JsStream(js, config, store, created);
        foreach (string name in store.ConsumerNames())
        {
            IConsumerStore cs = store.OpenConsumer(name);
            if (cs.ReadMetadata() is { } cmeta && JsonSerializer.Deserialize(cmeta, JsJson.Default.ConsumerConfig) is { } ccfg)
            {
                DateTime consumerCreated = consumersCreated is not null && consumersCreated.TryGetValue(name, out DateTime c) ? c : DateTime.UtcNow;
                var consumer = new Consumer(stream, name, ccfg, cs, consumerCreated);
                stream.AddConsumer(consumer);
                consumer.Start();
            }
        }

        return stream;
    }

    /// <summary>Where an account's restores are received and built (nats-server's __snapshots__); emptied at start.</summary>
    public string SnapshotsDir(Account account) => Path.Combine(StoreDir, account.Name, "__snapshots__");

    /// <summary>Streams and consumers found under the account's directory are opened again (file storage).</summary>
    private void Recover(JsAccount js)
    {
        try
        {
            if (Directory.Exists(SnapshotsDir(js.Account)))
            {
                Directory.Delete(SnapshotsDir(js.Account), recursive: true); // what a restore cut short by a stop left behind: never a stream
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"JetStream: could not remove {SnapshotsDir(js.Account)}: {ex.Message}");
        }

        string dir = Path.Combine(StoreDir, js.Account.Name, "streams");
        if (!Directory.Exists(dir))
        {
            return;
        }

        foreach (string streamDir in Directory.GetDirectories(dir))
        {
            try
            {
                IStreamStore store = FileStoreFactory(streamDir, new StreamStoreLimits());
                if (store.ReadMetadata() is not { } meta || JsonSerializer.Deserialize(meta, JsJson.Default.StreamConfig) is not { } config)
                {
                    store.Dispose();
                    continue;
                }

                JsStream stream = Load(js, store, config, DateTime.UtcNow);
                js.Add(stream);
                stream.Start();
                Log.Notice($"  Restored {store.State.Messages} messages for stream '{js.Account.Name} > {config.Name}'");
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                Log.Warn($"JetStream: could not restore the stream in {streamDir}: {ex.Message}");
            }
        }
    }
}
