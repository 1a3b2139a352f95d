namespace NatsSharp.Server.Connections;

/// <summary>
/// The outbound queues' 64 KB chunks, kept for the next one that needs a chunk. A publisher's read
/// thread takes them and a subscriber's write loop gives them back, so the shared ArrayPool (32 kept
/// per core, the rest dropped) kept few of a deep queue's chunks: each burst allocated hundreds anew,
/// they were promoted while queued and died in gen2, and RSS grew with that garbage (docs/benchmarks.md,
/// peak RSS with 64 KiB messages). Kept chunks go to the GC on the first <see cref="IdleTrim"/> tick
/// during which none was taken or given back.
/// </summary>
internal static class OutboundChunkPool
{
    public const int ChunkSize = 64 * 1024;
    private const int MaxKept = 1024; // 64 MB: more than that is left to the GC

    private static readonly Lock Gate = new();
    private static byte[][] _kept = [];
    private static int _count;
    private static long _uses;
    private static long _usesSeen;

    public static byte[] Rent()
    {
        lock (Gate)
        {
            _uses++;
            if (_count > 0)
            {
                byte[] chunk = _kept[--_count];
                _kept[_count] = null!;
                return chunk;
            }
        }

        // On the pinned heap: a 64 KB chunk is below the large-object size, so it was made in gen0 and, being queued
        // when the next gen0 GC came, copied into gen1 by the compaction (GC and page faults in the copy ~4 % of a
        // route publisher's node at the start of each burst). Pinned ones are never moved; a full collection (IdleTrim's)
        // still frees those no longer kept.
        return GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true);
    }

    public static void Return(byte[] chunk)
    {
        lock (Gate)
        {
            _uses++;
            if (_count == _kept.Length && _count < MaxKept)
            {
                Array.Resize(ref _kept, Math.Clamp(_count * 2, 16, MaxKept));
                IdleTrim.EnsureTimer(); // someone has to give them back once idle
            }

            if (_count < _kept.Length)
            {
                _kept[_count++] = chunk;
            }
        }
    }

    /// <summary>When no chunk was taken or given back since the last call, drops the kept ones; true if there were any.</summary>
    public static bool TrimIfIdle()
    {
        lock (Gate)
        {
            if (_uses != _usesSeen)
            {
                _usesSeen = _uses;
                return false;
            }

            if (_count == 0)
            {
                return false;
            }

            _kept = [];
            _count = 0;
            return true;
        }
    }
}
