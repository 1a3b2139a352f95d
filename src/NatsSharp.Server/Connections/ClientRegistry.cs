using System.Collections.Concurrent;
using NatsSharp.Server.Internal;
using NatsSharp.Server.Logging;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The clients of this server: registered by id while they run (a client over max_connections runs
/// only to be told so), their run tasks, and their orderly close at shutdown.
/// </summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<ulong, ClientConnection> _clients = new();

    // Kept beside the dictionary: ConcurrentDictionary.Count takes every one of its locks (up to 1,024
    // once it has grown), and max_connections is checked on every accept.
    private int _count;

    // Each account's registered clients, kept as clients join, move (CONNECT binds the user's account,
    // a reload may) and leave: the $SYS account-connections update on every connect counts them and sums
    // their traffic from here instead of walking every client of the server. Guards the clients' slots.
    private readonly Lock _accountsLock = new();
    private readonly Dictionary<string, AccountClients> _perAccount = new(StringComparer.Ordinal);

    // Clients whose run has not ended yet: shutdown waits until none is left.
    private readonly RunCounter _runs = new();
    private readonly Action _onRunEnded;

    public ClientRegistry()
    {
        _onRunEnded = _runs.Ended;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>How many registered clients live in <paramref name="account"/>, and what they have sent and received.</summary>
    public AccountTraffic TrafficOf(string account)
    {
        lock (_accountsLock)
        {
            return _perAccount.TryGetValue(account, out AccountClients? clients) ? clients.Traffic() : default;
        }
    }

    /// <summary>How many registered clients live in <paramref name="account"/>.</summary>
    public int CountIn(string account)
    {
        lock (_accountsLock)
        {
            return _perAccount.TryGetValue(account, out AccountClients? clients) ? clients.Count : 0;
        }
    }

    /// <summary>
    /// The registered clients, enumerated live: ConcurrentDictionary.Values would take every lock and
    /// copy all of them into a new array, per call.
    /// </summary>
    public IEnumerable<ClientConnection> All
    {
        get
        {
            foreach (KeyValuePair<ulong, ClientConnection> entry in _clients)
            {
                yield return entry.Value;
            }
        }
    }

    /// <summary>Registers <paramref name="client"/> unless <paramref name="max"/> clients are registered already.</summary>
    public bool TryAdd(ClientConnection client, int max)
    {
        if (Volatile.Read(ref _count) >= max)
        {
            return false;
        }

        if (_clients.TryAdd(client.Id, client))
        {
            Interlocked.Increment(ref _count);
            lock (_accountsLock)
            {
                AddTo(client.AccountName, client);
            }
        }

        return true;
    }

    /// <summary>The client's account changed (after the change): it is counted in the new one.</summary>
    public void AccountChanged(ClientConnection client)
    {
        lock (_accountsLock)
        {
            string now = client.AccountName;
            if (client.CountedAccount is { } was && was != now)
            {
                RemoveFrom(was, client);
                AddTo(now, client);
            }
        }
    }

    public bool TryGet(ulong id, out ClientConnection? client) => _clients.TryGetValue(id, out client);

    public void Remove(ClientConnection client)
    {
        if (_clients.TryRemove(client.Id, out _))
        {
            Interlocked.Decrement(ref _count);
            lock (_accountsLock)
            {
                if (client.CountedAccount is { } was)
                {
                    RemoveFrom(was, client);
                }
            }
        }
    }

    private void AddTo(string account, ClientConnection client)
    {
        if (!_perAccount.TryGetValue(account, out AccountClients? clients))
        {
            _perAccount[account] = clients = new AccountClients();
        }

        clients.Add(client);
        client.CountedAccount = account;
    }

    private void RemoveFrom(string account, ClientConnection client)
    {
        if (_perAccount.TryGetValue(account, out AccountClients? clients))
        {
            clients.Remove(client);
            if (clients.Count == 0)
            {
                _perAccount.Remove(account);
            }
        }

        client.CountedAccount = null;
    }

    /// <summary>For <c>$SYS</c> <c>KICK</c>: closes client <paramref name="cid"/> with reason "Kicked"; null, or nats-server's reason it could not.</summary>
    public string? Kick(ulong cid)
    {
        if (!_clients.TryGetValue(cid, out ClientConnection? client))
        {
            return "no such client or leafnode id";
        }

        client.Close(ClosedReason.Kicked, flushFirst: true);
        return null;
    }

    /// <summary>Lowered max_connections: closes clients until the count fits (which ones is unspecified, as in nats-server).</summary>
    public void CloseExcess(int max)
    {
        int excess = Count - max;
        foreach (ClientConnection client in All)
        {
            if (excess-- <= 0)
            {
                break;
            }

            client.CloseFromServer("maximum connections exceeded", ClosedReason.MaxConnectionsExceeded, "maximum connections exceeded");
        }
    }

    /// <summary>
    /// Runs the client's connection on the thread pool (or, with <paramref name="onThisThread"/>, starts it here),
    /// counted until it ends. The client is its own work item: no task, delegate or tracking entry is made per
    /// connection (in a storm, each was garbage).
    /// </summary>
    public void Run(ClientConnection client, bool onThisThread = false)
    {
        _runs.Started();
        client.OnRunEnded = _onRunEnded;
        if (onThisThread)
        {
            _ = client.RunAsync();
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(client, preferLocal: false);
    }

    /// <summary>
    /// Shutdown: what is already queued (an -ERR, a lame-duck INFO) is written first; a client that
    /// does not take it within two seconds is cut off, and after three more we stop waiting.
    /// </summary>
    public async Task CloseAllAsync(ServerLog log, CancellationToken cancellationToken)
    {
        foreach (ClientConnection client in _clients.Values)
        {
            client.Close(ClosedReason.ServerShutdown, flushFirst: true);
        }

        try
        {
            await _runs.AllEndedAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (ClientConnection client in _clients.Values)
            {
                client.Close(ClosedReason.ServerShutdown);
            }

            try
            {
                await _runs.AllEndedAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                log.Warn("Timed out waiting for connections to close");
            }
        }
    }
}
