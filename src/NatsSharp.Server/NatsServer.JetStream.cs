using NatsSharp.Server.JetStream;

namespace NatsSharp.Server;

public sealed partial class NatsServer
{
    /// <summary>JetStream, when the options turn it on (null otherwise).</summary>
    internal JetStreamEngine? JetStream { get; private set; }

    /// <summary>Starts JetStream in every account (after the accounts' imports, before clients connect).</summary>
    private void StartJetStream()
    {
        if (Options.JetStream is not { } js)
        {
            return;
        }

        if (js.StoreDir.Length == 0 && Options.StoreDir.Length > 0)
        {
            js = js.Clone();
            js.StoreDir = Options.StoreDir;
        }

        JetStream = new JetStreamEngine(js, Internal, Log) { ServerName = ServerName, MaxPayload = Options.MaxPayload };
        Log.Notice("Starting JetStream");
        Log.Notice($"  Max Memory:      {FormatBytes(JetStream.MaxMemory)}");
        Log.Notice($"  Max Storage:     {FormatBytes(JetStream.MaxStore)}");
        Log.Notice($"  Store Directory: \"{JetStream.StoreDir}\"");
        if (JetStream.Domain is { } domain)
        {
            Log.Notice($"  Domain:          {domain}");
        }

        // No accounts configured: $G has JetStream; otherwise the accounts whose config enables it (nats-server).
        Dictionary<string, JetStreamAccountLimits?> configured = Options.Accounts.ToDictionary(a => a.Name, a => a.JetStream, StringComparer.Ordinal);
        JetStream.Start(AllAccounts, a => configured.Count == 0 ? new JetStreamAccountLimits() : configured.GetValueOrDefault(a.Name), SystemAccountName);
    }

    private async Task StopJetStreamAsync()
    {
        if (JetStream is not null)
        {
            await JetStream.StopAsync().ConfigureAwait(false);
            JetStream.Dispose();
        }
    }

    private static string FormatBytes(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):0.00} GB";
}
