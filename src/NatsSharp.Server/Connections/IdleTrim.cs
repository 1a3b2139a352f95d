using System.Collections.Concurrent;
using System.Runtime;

namespace NatsSharp.Server.Connections;

/// <summary>
/// Gives memory back once a burst is over. An idle server allocates nothing, so no GC runs and
/// the heap, the freed large outbound buffers and the pool keep the burst's peak resident. A
/// timer notes bursts (an outbound buffer grown past the kept size, a connection closed) and,
/// after a quiet tick that follows one, runs one compacting collection that decommits what it
/// frees. Busy servers never pay for it: a tick with a burst, or with traffic (more than
/// <see cref="QuietReads"/> socket reads), only sets a flag; the blocking collection would stall every
/// connection for its whole length (the max of a request/reply run, docs/benchmarks.md). The same tick
/// takes back the outbound buffers a connection keeps for its next batch once it has written
/// nothing for a whole tick (listed by the connection when its write loop goes idle).
/// </summary>
internal static class IdleTrim
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private const int QuietReads = 500; // per tick (100 reads/s): fewer is quiet enough to collect
    private static readonly ConcurrentQueue<Connection> Listed = new();
    private static long _events;
    private static long _seen;
    private static bool _pending; // a collection owed since a burst or a release, until a quiet tick
    private static int _tick;
    private static Timer? _timer;
    private static int _reads; // socket reads since the last tick, approximately (see CountRead)

    /// <summary>Counts the ticks; a connection notes it when its write loop goes idle.</summary>
    public static int CurrentTick => Volatile.Read(ref _tick);

    /// <summary>Something that raised memory use happened (cheap; called off the hot path).</summary>
    public static void Note()
    {
        Interlocked.Increment(ref _events);
        EnsureTimer();
    }

    /// <summary>
    /// One socket read was handled. A plain increment, not an interlocked one: this runs once per read on
    /// every reading thread, and a lost count only makes a busy tick look a little less busy.
    /// </summary>
    public static void CountRead() => _reads++;

    /// <summary>A connection went idle keeping buffers: give them back if it stays idle (once per idle spell).</summary>
    public static void List(Connection connection)
    {
        Listed.Enqueue(connection);
        EnsureTimer();
    }

    public static void EnsureTimer()
    {
        if (Volatile.Read(ref _timer) is null)
        {
            var timer = new Timer(static _ => OnTick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (Interlocked.CompareExchange(ref _timer, timer, null) is null)
            {
                timer.Change(Tick, Tick);
            }
            else
            {
                timer.Dispose();
            }
        }
    }

    private static void OnTick()
    {
        int tick = Interlocked.Increment(ref _tick);
        bool released = false;
        for (int n = Listed.Count; n > 0 && Listed.TryDequeue(out Connection? connection); n--)
        {
            if (!connection.TrimIdleOutbound(tick, out bool gaveBack))
            {
                Listed.Enqueue(connection); // still writing: look again next tick
            }

            released |= gaveBack;
        }

        released |= OutboundChunkPool.TrimIfIdle();

        long events = Volatile.Read(ref _events);
        bool burst = events != _seen;
        _seen = events;
        if (CollectNow(burst, released, Interlocked.Exchange(ref _reads, 0), ref _pending))
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>
    /// Whether this tick runs the collection: not while a burst goes on or traffic flows (over
    /// <see cref="QuietReads"/> reads in the tick); then once, on the first quiet tick, if a burst or a
    /// release (<paramref name="released"/>) left one owed (<paramref name="pending"/>).
    /// </summary>
    internal static bool CollectNow(bool burst, bool released, int reads, ref bool pending)
    {
        pending |= burst || released;
        if (burst || reads > QuietReads)
        {
            return false; // still busy: trim (and collect what was released) once it is quiet
        }

        bool collect = pending;
        pending = false;
        return collect;
    }
}
