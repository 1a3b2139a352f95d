using System.Collections.Concurrent;
using System.Text.Json;
using NatsSharp.Server.Internal;

namespace NatsSharp.Server.SystemAccount;

/// <summary>
/// The other servers we hear of through their STATSZ and CONNS events (nats-server's
/// <c>sys.servers</c>): counted in our STATSZ <c>active_servers</c>, greeted with our own STATSZ when
/// first heard, forgotten on their SHUTDOWN event or after 150 s of silence (checked every 90 s).
/// </summary>
internal sealed partial class SystemServices
{
    private static readonly TimeSpan OrphanAfter = 5 * HeartbeatInterval;
    private static readonly TimeSpan SweepEvery = 3 * HeartbeatInterval;

    private readonly ConcurrentDictionary<string, RemoteServer> _servers = new(StringComparer.Ordinal);
    private Timer? _sweeper;

    private int RemoteServerCount => _servers.Count;

    private void StartServerSweep() => _sweeper = new Timer(_ => _work.Writer.TryWrite(SweepServers), null, SweepEvery, SweepEvery);

    private void StopServerSweep() => _sweeper?.Dispose();

    private void SweepServers()
    {
        DateTime now = DateTime.UtcNow;
        foreach ((string id, RemoteServer server) in _servers)
        {
            if (now - server.LastSeen > OrphanAfter)
            {
                _server.Log.Debug($"Detected orphan remote server: \"{id}\"");
                _servers.TryRemove(id, out _);
            }
        }
    }

    private void OnRemoteStatsz(ReceivedMessage m)
    {
        if (ReadServer(m.Data, "server") is { } server)
        {
            UpdateRemoteServer(server);
        }
    }

    private void OnRemoteConns(ReceivedMessage m)
    {
        if (ReadServer(m.Data, "server") is { } server)
        {
            UpdateRemoteServer(server);
        }
    }

    private void OnRemoteShutdown(ReceivedMessage m)
    {
        string[] tokens = m.Subject.Split('.');
        if (tokens.Length >= 4 && tokens[2] != ServerId)
        {
            _servers.TryRemove(tokens[2], out _);
        }
    }

    private void UpdateRemoteServer((string Id, ulong Seq) server)
    {
        if (server.Id == ServerId || server.Id.Length == 0)
        {
            return; // our own events come back to us (nats-server's internal client has echo off)
        }

        if (!_servers.TryGetValue(server.Id, out RemoteServer? known))
        {
            _servers[server.Id] = new RemoteServer { Seq = server.Seq, LastSeen = DateTime.UtcNow };
            SendStatsz($"$SYS.SERVER.{ServerId}.STATSZ"); // announce ourselves to the newcomer
            return;
        }

        if (server.Seq <= known.Seq)
        {
            _server.Log.Error($"Received out of order remote server update from: \"{server.Id}\"");
            return;
        }

        known.Seq = server.Seq;
        known.LastSeen = DateTime.UtcNow;
    }

    /// <summary>The <c>id</c> and <c>seq</c> of an event's server object, or null for a body that is not one.</summary>
    private static (string Id, ulong Seq)? ReadServer(byte[] data, string property)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(data);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty(property, out JsonElement server) && server.ValueKind == JsonValueKind.Object
                && server.TryGetProperty("id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
            {
                ulong seq = server.TryGetProperty("seq", out JsonElement s) && s.TryGetUInt64(out ulong v) ? v : 0;
                return (id.GetString()!, seq);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private sealed class RemoteServer
    {
        public ulong Seq { get; set; }

        public DateTime LastSeen { get; set; }
    }
}
