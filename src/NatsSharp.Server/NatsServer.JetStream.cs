using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream;

namespace NatsSharp.Server;

public sealed partial class NatsServer
{
    // What a reload that turned JetStream off leaves on $JS.API.> in each account: requests are dropped
    // unanswered, as nats-server's accounts keep their import of the system account's API after it stops.
    private readonly List<InternalSubscriber> _jetStreamSilenced = [];
    private bool _jetStreamStartFailed;

    /// <summary>JetStream while it runs (null otherwise): turned on at start or by a reload, off by a reload or shutdown.</summary>
    internal JetStreamEngine? JetStream { get; private set; }

    /// <summary>Starts JetStream in every account (after the accounts' imports, before clients connect).</summary>
    private void StartJetStream()
    {
        _reloader.JetStreamReload = ReloadJetStream;
        ClientInfo.JetStreamEnabled = () => Options.JetStream is not null && !_jetStreamStartFailed;
        StartJetStream(Options);
    }

    private void StartJetStream(ServerOptions options)
    {
        if (options.JetStream is not { } js)
        {
            return;
        }

        if (js.StoreDir.Length == 0 && options.StoreDir.Length > 0)
        {
            js = js.Clone();
            js.StoreDir = options.StoreDir;
        }

        var engine = new JetStreamEngine(js, Internal, Log) { ServerName = ServerName, MaxPayload = options.MaxPayload };
        Log.Notice("Starting JetStream");
        Log.Notice($"  Max Memory:      {FormatBytes(engine.MaxMemory)}");
        Log.Notice($"  Max Storage:     {FormatBytes(engine.MaxStore)}");
        Log.Notice($"  Store Directory: \"{engine.StoreDir}\"");
        if (engine.Domain is { } domain)
        {
            Log.Notice($"  Domain:          {domain}");
        }

        // No accounts configured: $G has JetStream; otherwise the accounts whose config enables it (nats-server).
        Dictionary<string, JetStreamAccountLimits?> configured = options.Accounts.ToDictionary(a => a.Name, a => a.JetStream, StringComparer.Ordinal);
        engine.Start(AllAccounts, a => configured.Count == 0 ? new JetStreamAccountLimits() : configured.GetValueOrDefault(a.Name), SystemAccountNameOf(options));
        JetStream = engine;
    }

    private async Task StopJetStreamAsync()
    {
        if (JetStream is not { } engine)
        {
            return;
        }

        Log.Notice("Initiating JetStream Shutdown...");
        JetStream = null; // monitoring, INFO and the system account see it off from here
        await engine.StopAsync().ConfigureAwait(false);
        engine.Dispose();
        Log.Notice("JetStream Shutdown");
    }

    /// <summary>
    /// A reload in force: JetStream started when the new options turn it on (or a former start failed) and
    /// stopped when they turn it off, as nats-server's reload does. Its limits, store directory and domain
    /// cannot change while it runs (OptionsDiff refuses that), so a running engine is otherwise left alone.
    /// </summary>
    private void ReloadJetStream(ServerOptions next)
    {
        if (next.JetStream is null && JetStream is not null)
        {
            StopJetStreamAsync().GetAwaiter().GetResult();
            SilenceJetStreamApi(next);
        }
        else if (next.JetStream is not null && JetStream is null)
        {
            Log.Notice("Restarting JetStream");
            UnsilenceJetStreamApi();
            try
            {
                _jetStreamStartFailed = false;
                StartJetStream(next);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NatsServerException)
            {
                _jetStreamStartFailed = true;
                Log.Warn($"Can't start JetStream: {ex.Message}");
            }
        }
    }

    private void SilenceJetStreamApi(ServerOptions next)
    {
        string? system = SystemAccountNameOf(next);
        foreach (Account account in AllAccounts)
        {
            if (account.Name != system)
            {
                _jetStreamSilenced.Add(Internal.Subscribe(account, "$JS.API.>", static (Account _, in InternalMessage _) => { }));
            }
        }
    }

    private void UnsilenceJetStreamApi()
    {
        foreach (InternalSubscriber sub in _jetStreamSilenced)
        {
            Internal.Unsubscribe(sub);
        }

        _jetStreamSilenced.Clear();
    }

    private static string FormatBytes(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):0.00} GB";
}
