using System.Buffers;
using System.Runtime.CompilerServices;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Connections;

/// <summary>
/// What one read loop does to deliver messages: queue MSG frames for local subscribers,
/// carry messages across account imports, remember every connection it touched, and at the
/// end of the read wake each of them once and add the counters to the server's totals.
/// Owned by one read loop; never shared.
/// </summary>
internal sealed class DeliveryBatch
{
    // Imports that lead back to where they started stop after this many account hops.
    private const int MaxImportHops = 8;

    // Service imports and responses met while delivering one message; run once its routes are written.
    private readonly List<Subscription> _importWork = [];

    // The deliveries into other accounts those imports lead to, run one after another (no recursion).
    private readonly Queue<ImportHop> _hops = new();
    private readonly List<byte[]> _oneQueue = [];
    private byte[] _mapped = new byte[256]; // a stream import's mapped subject

    private readonly LastMatch _lastMatch = new(); // a publisher repeating a subject skips the hash and cache probe
    private readonly HashSet<Subscriber> _touched = []; // beyond the first few: a fan-out's hash per delivery cost 4 % of its CPU
    private readonly Subscriber?[] _recent = new Subscriber?[8];
    private int _recentCount;
    private readonly List<Subscriber> _backlogged = [];

    /// <summary>
    /// How long a subscriber that has not shown a reader (<see cref="DrainProgress"/>) may take nothing, from the
    /// moment a publisher first waits for it or from the last it took, before it is taken for stuck: long enough
    /// for a reader descheduled on a loaded machine, short enough that a stuck one holds its publishers (and
    /// their other subscribers) only once and briefly.
    /// </summary>
    internal const int DrainProgressWindowMs = 250;

    /// <summary>Once it has shown a reader, the longest a publisher is held on one read while it takes nothing: nats-server's longest stall.</summary>
    internal const int MaxStallMs = 1000;

    /// <summary>
    /// Once it has shown a reader, how long it may take nothing before it is taken for stuck: a reader paused
    /// this long is no longer draining a burst (the write deadline, 10 s by default, would cut it soon after).
    /// </summary>
    internal const int AliveWindowMs = 5000;

    // How often a waiting publisher looks at the subscriber's progress.
    private const int PollMs = 50;

    private readonly DrainWaiter _waiter = new();

    /// <summary>Subscribers this read left over half their max_pending: the publisher waits for them before reading on.</summary>
    public bool HasBacklogged => _backlogged.Count > 0;

    /// <summary>For a loop that must not wait for slow subscribers (a stream's acks): forget them.</summary>
    public void ClearBacklogged() => _backlogged.Clear();

    /// <summary>
    /// Back-pressure on a publishing client, before it reads on: waits while each backlogged subscriber
    /// drains. One that has not shown a reader is marked stuck once it has taken nothing for
    /// <see cref="DrainProgressWindowMs"/>, and not waited for again (it reaches max_pending and is cut), so a
    /// stuck subscriber holds its publishers once and briefly. One that has shown a reader is waited for as long
    /// as it takes, and through a pause for up to <see cref="MaxStallMs"/> per read (the publisher then reads
    /// once more and waits again, as nats-server holds a publisher up to a second per message); it is taken
    /// for stuck only after <see cref="AliveWindowMs"/> without taking anything. Allocates nothing per wait.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WaitForBackloggedAsync()
    {
        foreach (Subscriber target in _backlogged)
        {
            DrainProgress progress = target.DrainProgress ?? NewDrainProgress(target);
            long heldSince = Environment.TickCount64;
            while (!target.Stuck && target.Backlog is { IsCompleted: false } backlog)
            {
                long now = Environment.TickCount64;
                progress.Observe(backlog, target.Drained, now, out long progressAt, out bool reader);
                long until;
                if (!reader)
                {
                    until = progressAt + DrainProgressWindowMs;
                }
                else if (now - progressAt >= AliveWindowMs)
                {
                    until = now; // it was a reader, but has stopped
                }
                else
                {
                    until = Math.Min(Math.Max(heldSince, progressAt) + MaxStallMs, progressAt + AliveWindowMs);
                    if (now >= until)
                    {
                        break; // paused a second on this read: the publisher reads on once, then waits again
                    }
                }

                if (now >= until)
                {
                    target.Stuck = true;
                    break;
                }

                // Woken when it drains below half or at the bound; looks again every 50 ms to see it take (or not).
                await _waiter.WaitAsync(backlog, (int)Math.Min(until - now, PollMs)).ConfigureAwait(false);
            }
        }

        _backlogged.Clear();
    }

    private static DrainProgress NewDrainProgress(Subscriber target) =>
        Interlocked.CompareExchange(ref target.DrainProgress, new DrainProgress(), null) ?? target.DrainProgress!;

    private readonly ServerStats _stats;
    private readonly ServerLog _log;
    private Subscriber? _lastTouched;
    private long _outMsgs;
    private long _outBytes;

    public DeliveryBatch(ServerStats stats, ServerLog log)
    {
        _stats = stats;
        _log = log;
    }

    /// <summary>
    /// The connection whose read loop runs this batch, for a client's or a peer's read loop; null (internal publishers)
    /// stages nothing. With an owner, small MSG frames for other connections are staged (<see cref="DeliveryStaging"/>):
    /// formatted without those connections' locks and queued under them once per commit, for several subscribers at once
    /// (a fan-out's or a queue group's messages go to them in turn): one lock per connection per commit instead of one
    /// per message, which was 17 % of a fan-out profile's CPU. What is staged is committed before this batch queues or
    /// forwards anything directly, and at <see cref="End"/> before any connection is woken. The owner itself is never
    /// staged for, as its read loop also writes to it directly (+OK, PONG, -ERR) and those must stay behind the MSGs
    /// before them.
    /// </summary>
    public Connection? Owner { get; init; }

    private readonly DeliveryStaging _staging = new();

    /// <summary>Per-message scratch for the server peers a message goes to (reused, never allocated per message).</summary>
    public PeerFanout Peers { get; } = new();

    /// <summary>
    /// False for a route's read loop: a request that came over a route was already handed to
    /// the service it imports by the server it was published on.
    /// </summary>
    public bool RunsServiceImports { get; init; } = true;

    /// <summary>
    /// The publisher's <c>Nats-Request-Info</c> JSON, for a request crossing an import that carries it
    /// (<see cref="ServiceImport.CarriesRequester"/>); null where the publisher is not a client.
    /// Asked only then, so an ordinary publish pays nothing for it.
    /// </summary>
    public Func<byte[]?>? RequestInfo { get; init; }

    public bool HasImportWork => _importWork.Count > 0;

    /// <summary>
    /// Delivers a message published on this server into <paramref name="account"/>: every local
    /// subscriber, one member per queue group (a local one first), each route or leaf with
    /// interest once, then the imports it triggers. <paramref name="skip"/> is a publisher that
    /// does not want its own messages. Returns how many deliveries were made in the account.
    /// </summary>
    public int Publish(Account account, Connection? skip, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        int delivered = DeliverInto(account, skip, subject, reply, headerSize, message);
        if (_importWork.Count > 0)
        {
            RunImports(subject, reply, headerSize, message);
        }

        return delivered;
    }

    /// <summary>One account's part of a delivery; the service imports it meets wait in <see cref="_importWork"/>.</summary>
    private int DeliverInto(Account account, Connection? skip, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        SublistResult result = _lastMatch.Match(account.Sublist, subject);
        int delivered = 0;
        foreach (Subscription sub in result.Plain)
        {
            if (sub.Import is null && sub.Subscriber.IsServerPeer)
            {
                Peers.Add(sub.Subscriber, null); // one RMSG/LMSG per route or leaf, however many subscriptions match there
                delivered++;
            }
            else if (!ReferenceEquals(sub.Subscriber, skip) && ToSubscriber(sub, subject, reply, headerSize, message))
            {
                delivered++;
            }
        }

        foreach (Subscription[] group in result.Queues)
        {
            if (ToQueue(group, skip, subject, reply, headerSize, message))
            {
                delivered++;
            }
        }

        if (Peers.Count > 0)
        {
            ToPeers(account.Name, subject, reply, headerSize, message);
        }

        return delivered;
    }

    /// <summary>
    /// One member per group: a local member picked at random first; only when none can take
    /// it, a route or leaf with members of the group (it then picks one of its own).
    /// </summary>
    private bool ToQueue(Subscription[] group, Connection? skip, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        int n = group.Length;
        int start = n == 1 ? 0 : NextMember(n);
        Subscriber? remote = null;
        for (int i = 0, m = start; i < n; i++, m = m + 1 == n ? 0 : m + 1)
        {
            Subscription member = group[m];
            if (member.Import is null && member.Subscriber.IsServerPeer)
            {
                remote ??= member.Subscriber;
            }
            else if (!ReferenceEquals(member.Subscriber, skip) && ToSubscriber(member, subject, reply, headerSize, message))
            {
                return true;
            }
        }

        if (remote is not null)
        {
            Peers.Add(remote, group[0].Queue);
            return true;
        }

        return false;
    }

    // xorshift32, per read loop (Random.Shared is thread-safe and cost 2 % of a queue group's CPU); seeded per batch.
    private uint _random = (uint)Random.Shared.Next() | 1;

    private int NextMember(int n)
    {
        uint x = _random;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _random = x;
        return (int)((ulong)x * (uint)n >> 32);
    }

    public void Touch(Subscriber c)
    {
        if (ReferenceEquals(c, _lastTouched))
        {
            return;
        }

        _lastTouched = c;
        for (int i = 0; i < _recentCount; i++)
        {
            if (ReferenceEquals(_recent[i], c))
            {
                return;
            }
        }

        if (_recentCount < _recent.Length)
        {
            _recent[_recentCount++] = c;
        }
        else
        {
            _touched.Add(c);
        }
    }

    /// <summary>Queues the message for one local subscription; false if it could not take it.</summary>
    public bool ToSubscriber(Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        Subscriber target = sub.Subscriber;
        if (sub.Closed)
        {
            return false;
        }

        if (sub.Import is not null)
        {
            return ToImport(sub, subject, reply, headerSize, message);
        }

        // A wildcard subscription may cover subjects its user may not subscribe to: filter here,
        // whichever way the message came in (client, route).
        if (!target.MayReceive(subject))
        {
            return false;
        }

        bool lastOne = false;
        DeliveryStageResult staged = Owner is not null && target is Connection c && !ReferenceEquals(c, Owner) && Volatile.Read(ref sub.MaxMsgs) == 0
            ? Stage(c, sub, subject, reply, headerSize, message)
            : DeliveryStageResult.No;
        if (staged == DeliveryStageResult.No)
        {
            FlushStaged(); // what was staged before it goes first, and is numbered first

            // Publishers on other connections deliver to the same subscription at once: each takes a
            // distinct number, then reads the UNSUB max (after, see OnUnsubscribe), so exactly max go out.
            long n = Interlocked.Increment(ref sub.Delivered);
            long max = Volatile.Read(ref sub.MaxMsgs);
            if (max > 0 && n > max)
            {
                return false;
            }

            lastOne = n == max;
            if (!target.EnqueueMessage(subject, sub.Sid, reply, headerSize, message, target.TakesHeaders))
            {
                if (target.IsSlowConsumer)
                {
                    target.OnSlowConsumer();
                }

                return false;
            }
        }

        if (staged != DeliveryStageResult.Staged)
        {
            Touch(target); // a connection staged for since the last commit was touched then
        }

        target.OnDelivered(sub, subject, reply, headerSize, message.Length);
        _outMsgs++;
        _outBytes += message.Length;
        if (lastOne)
        {
            target.RemoveSubscription(sub);
        }

        return true;
    }

    /// <summary>Stages one MSG (numbered against its subscription when committed); commits first when a slot is full.</summary>
    private DeliveryStageResult Stage(Connection c, Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        DeliveryStageResult result = _staging.Stage(c, sub, subject, reply, headerSize, message);
        if (result == DeliveryStageResult.Full)
        {
            FlushStaged();
            result = _staging.Stage(c, sub, subject, reply, headerSize, message);
        }

        return result;
    }

    private DeliveryStageResult StageRouted(Connection route, string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        DeliveryStageResult result = _staging.StageRouted(route, account, subject, reply, queues, headerSize, message);
        if (result == DeliveryStageResult.Full)
        {
            FlushStaged();
            result = _staging.StageRouted(route, account, subject, reply, queues, headerSize, message);
        }

        return result;
    }

    /// <summary>
    /// Queues what this read staged so far, before something outside the batch writes to one of those connections
    /// (a SUB's RS+ to a route): nothing the read did later may overtake it.
    /// </summary>
    public void CommitStaged() => FlushStaged();

    /// <summary>Matches a subject as <see cref="Publish"/> does, through the read loop's remembered last match: for a route's messages.</summary>
    public SublistResult Match(Sublist sublist, ReadOnlySpan<byte> subject) => _lastMatch.Match(sublist, subject);

    /// <summary>
    /// Queues what is staged (<see cref="DeliveryStaging.Commit"/>); then, outside every lock, takes back the counts
    /// of the frames not queued, cuts the connections found over max_pending and removes the subscriptions whose
    /// UNSUB max it reached.
    /// </summary>
    private void FlushStaged()
    {
        if (_staging.IsEmpty)
        {
            return;
        }

        _staging.Commit();
        if (_staging.RefusedMsgs != 0)
        {
            _outMsgs -= _staging.RefusedMsgs;
            _outBytes -= _staging.RefusedBytes;
            foreach (Connection slow in _staging.Slow)
            {
                if (slow.IsSlowConsumer)
                {
                    slow.OnSlowConsumer();
                }
            }

            _staging.Slow.Clear();
        }

        if (_staging.Finished.Count != 0)
        {
            foreach (Subscription sub in _staging.Finished)
            {
                sub.Subscriber.RemoveSubscription(sub);
            }

            _staging.Finished.Clear();
        }
    }

    /// <summary>Forwards the message once to each peer collected in <see cref="Peers"/>, then clears it.</summary>
    public void ToPeers(string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        for (int i = 0; i < Peers.Count; i++)
        {
            Subscriber peer = Peers.PeerAt(i);

            // A route's Forward is its RMSG, unfiltered: staged like a subscriber's MSG, so a publisher takes the
            // route's lock once per commit, not once per message (a leaf's filters its subjects first: queued directly).
            DeliveryStageResult staged = Owner is not null && peer.Kind == SubscriberKind.Route && peer is Connection route && !ReferenceEquals(route, Owner)
                ? StageRouted(route, account, subject, reply, Peers.QueuesAt(i), headerSize, message)
                : DeliveryStageResult.No;
            if (staged != DeliveryStageResult.No)
            {
                if (staged == DeliveryStageResult.StagedNew)
                {
                    Touch(peer);
                }

                _outMsgs++;
                _outBytes += message.Length;
                continue;
            }

            FlushStaged(); // what was staged before it goes first
            if (peer.Forward(account, subject, reply, Peers.QueuesAt(i), headerSize, message))
            {
                Touch(peer);
                _outMsgs++;
                _outBytes += message.Length;
            }
        }

        Peers.Clear();
    }

    /// <summary>
    /// A subscription the server made for an import. A stream's shadow delivers to the
    /// subscriber it stands for, under the mapped subject; service requests and responses wait
    /// in <see cref="_importWork"/> until the message's routes are written (<see cref="RunImports"/>).
    /// </summary>
    private bool ToImport(Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        switch (sub.Import)
        {
            case StreamImport stream:
                Subscription origin = sub.Origin!;
                int length = stream.MapToImporter(subject, ref _mapped);
                ReadOnlySpan<byte> mapped = _mapped.AsSpan(0, length);
                if (origin.Subscriber.IsServerPeer)
                {
                    // A leaf's subscription in the importing account: forwarded once, with its queue group.
                    _oneQueue.Clear();
                    if (origin.Queue is not null)
                    {
                        _oneQueue.Add(origin.Queue);
                    }

                    FlushStaged();
                    if (!origin.Subscriber.Forward(origin.AccountName, mapped, reply, _oneQueue, headerSize, message))
                    {
                        return false;
                    }

                    Touch(origin.Subscriber);
                    _outMsgs++;
                    _outBytes += message.Length;
                    return true;
                }

                return ToSubscriber(origin, mapped, reply, headerSize, message);
            case ServiceImport when !RunsServiceImports:
                return false;
            default:
                _importWork.Add(sub);
                return true;
        }
    }

    /// <summary>
    /// Hands the service requests met while delivering a message to the exporting accounts (with a
    /// reply subject mapped back to the requester), and responses back to the accounts that asked.
    /// Each hop is one more delivery into another account, queued and run in turn rather than by
    /// re-entering <see cref="Publish"/>; the headers and payload stay the same, only the subject and
    /// reply change. Imports that lead back to where they started stop after <see cref="MaxImportHops"/>.
    /// </summary>
    public void RunImports(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        QueueHops(subject, reply, hops: 1, headerSize, message, null);
        while (_hops.TryDequeue(out ImportHop hop))
        {
            if (hop.Hops > MaxImportHops)
            {
                _log.Debug($"Dropping a message on \"{NatsServer.Utf8(hop.Subject)}\" after {MaxImportHops} import hops");
                _importWork.Clear();
                continue;
            }

            // A hop whose import added the requester's header delivers that copy, and so do the hops after it.
            int size = hop.Message is null ? headerSize : hop.HeaderSize;
            ReadOnlySpan<byte> m = hop.Message ?? message;
            DeliverInto(hop.Account, null, hop.Subject, hop.Reply, size, m);
            QueueHops(hop.Subject, hop.Reply, hop.Hops + 1, size, m, hop.Message);
        }
    }

    /// <summary>Turns the import work met by the last delivery into hops (mapped subject and reply, copied).</summary>
    private void QueueHops(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int hops, int headerSize, ReadOnlySpan<byte> message, byte[]? carried)
    {
        foreach (Subscription sub in _importWork)
        {
            switch (sub.Import)
            {
                case ServiceImport service:
                    byte[] buffer = new byte[subject.Length + 64];
                    int length = service.MapToExporter(subject, ref buffer);
                    byte[] mappedReply = reply.IsEmpty ? [] : service.Importer.Responses.Register(reply, service);
                    byte[]? withInfo = carried;
                    int size = headerSize;
                    if (service.CarriesRequester && RequestInfo?.Invoke() is { } info)
                    {
                        withInfo = RequestInfoHeader.Set(message, ref size, info);
                    }

                    _hops.Enqueue(new ImportHop(service.Exporter, buffer[..length], mappedReply, hops, withInfo, size));
                    break;
                case ServiceResponses responses:
                    if (responses.Take(subject) is { } requesterReply)
                    {
                        _hops.Enqueue(new ImportHop(responses.Importer, requesterReply, [], hops, carried, headerSize));
                    }

                    break;
            }
        }

        _importWork.Clear();
    }

    /// <summary>One delivery into another account that an import leads to.</summary>
    private readonly record struct ImportHop(Account Account, byte[] Subject, byte[] Reply, int Hops, byte[]? Message = null, int HeaderSize = 0);

    private void EndFor(Subscriber c)
    {
        c.FlushAfterRead();
        if (c.Backlog is not null && !c.Stuck)
        {
            _backlogged.Add(c);
        }
    }

    /// <summary>After a read: wake every connection written to, once, and add up the counters.</summary>
    public void End(long inMsgs, long inBytes)
    {
        FlushStaged(); // before anyone is woken
        _staging.Release();

        for (int i = 0; i < _recentCount; i++)
        {
            EndFor(_recent[i]!);
            _recent[i] = null;
        }

        _recentCount = 0;
        foreach (Subscriber c in _touched)
        {
            EndFor(c);
        }

        _touched.Clear();
        _lastTouched = null;
        _lastMatch.Flush();
        if (inMsgs != 0)
        {
            _stats.AddIn(inMsgs, inBytes);
        }

        if (_outMsgs != 0)
        {
            _stats.AddOut(_outMsgs, _outBytes);
            _outMsgs = 0;
            _outBytes = 0;
        }
    }
}
