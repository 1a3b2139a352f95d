using System.Buffers;
using System.Runtime.CompilerServices;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Connections;

/// <summary>
/// A read loop's staged MSG frames (<see cref="DeliveryBatch.Owner"/>), and RMSG frames for routes: small frames for up to
/// <see cref="MaxConnections"/> subscriber or route connections, formatted without their locks into one buffer per
/// connection, and queued together by <see cref="Commit"/>: one lock per connection per commit instead of one
/// per message. A fan-out publisher's messages go to its subscribers in turn (a, b, c, d, a, …), so one slot
/// (flushed at every switch) bought nothing there.
/// <para>
/// Order: the commit takes the locks of every connection it queues for (in <see cref="Connection.LockOrder"/>,
/// so two publishers never wait for each other), appends, and only then lets go; so no frame can be taken by a
/// writer, or answered by its reader, before every frame staged ahead of it for someone else is queued too (a reply
/// never overtakes the request it followed). The batch commits before it queues or forwards anything directly.
/// </para>
/// <para>
/// Counting: a subscription's <see cref="Subscription.Delivered"/> is raised once per commit by the number of its
/// frames (not once per message), before the locks are taken, with the same fences as a single delivery: a max
/// set by UNSUB meanwhile is seen, and the frames numbered past it are dropped (one staged with a max already set is
/// not staged at all). Owned by one read loop.
/// </para>
/// </summary>
internal sealed class DeliveryStaging
{
    /// <summary>Connections staged for at once; one more commits what is staged first.</summary>
    public const int MaxConnections = 8;

    /// <summary>
    /// A larger frame is queued directly: copying it twice costs more than the lock. With 2,048 here 1 KiB messages were
    /// staged; queued directly they took 0.77–0.80x the server's CPU per message (docs/benchmarks.md, routes and the fan-out frame).
    /// </summary>
    public const int FrameLimit = 512;

    private const int SlotBytes = 16 * 1024;
    private const int SlotFrames = 512;
    private const int MaxSubscriptions = 16;

    private readonly Slot[] _slots = [.. Enumerable.Range(0, MaxConnections).Select(_ => new Slot())];
    private int _slotCount;
    private int _lastSlot;
    private readonly int[] _order = new int[MaxConnections];

    // The last MSG or RMSG line's end ("[hdr ]total\r\n"): a fan-out's copies of a message, and most publishers' messages, share it.
    private readonly byte[] _sizes = new byte[24];
    private int _sizesLength;
    private int _sizesTotal = -1;
    private int _sizesHeader = -1;

    // The subscriptions staged for and how many frames each; numbered at the commit.
    private readonly Subscription?[] _subs = new Subscription?[MaxSubscriptions];
    private readonly int[] _subFrames = new int[MaxSubscriptions];
    private readonly int[] _subAllowed = new int[MaxSubscriptions];
    private int _subCount;

    /// <summary>Frames the last <see cref="Commit"/> did not queue (over max_pending, or past an UNSUB max) and their message bytes.</summary>
    public int RefusedMsgs { get; private set; }

    public long RefusedBytes { get; private set; }

    /// <summary>Connections the last commit found over max_pending: the caller cuts them (outside every lock).</summary>
    public List<Connection> Slow { get; } = [];

    /// <summary>Subscriptions whose UNSUB max the last commit reached: the caller removes them.</summary>
    public List<Subscription> Finished { get; } = [];

    public bool IsEmpty => _slotCount == 0;

    /// <summary>
    /// Formats one MSG for <paramref name="sub"/> of <paramref name="c"/> into its slot. <see cref="DeliveryStageResult.Full"/>
    /// stages nothing: commit, then stage again. <see cref="DeliveryStageResult.No"/>: queue it directly.
    /// </summary>
    public DeliveryStageResult Stage(Connection c, Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        Connection.StripHeadersUnless(c.TakesHeaders, ref headerSize, ref message);
        ReadOnlySpan<byte> sid = sub.Sid;
        int bound = Connection.MessageLineBound(subject.Length, sid.Length, reply.Length) + message.Length + 2;
        DeliveryStageResult result = TakeSlot(c, bound, out Slot? slot);
        if (slot is null)
        {
            return result;
        }

        int u = slot.LastSub; // per slot: a fan-out's subscribers take turns, each connection mostly through one subscription
        if (u >= _subCount || !ReferenceEquals(_subs[u], sub))
        {
            u = FindSubscription(sub);
            if (u < 0)
            {
                if (_subCount == MaxSubscriptions)
                {
                    if (result == DeliveryStageResult.StagedNew && slot.Count == 0)
                    {
                        _slots[--_slotCount].Target = null; // the slot just taken stays empty
                    }

                    return DeliveryStageResult.Full;
                }

                u = _subCount++;
                _subs[u] = sub;
                _subFrames[u] = 0;
            }

            slot.LastSub = u;
        }

        Append(slot, Connection.FormatMessage(slot.Buffer!.AsSpan(slot.Length), subject, sid, reply, headerSize, Sizes(headerSize, message.Length), message), message.Length, u);
        _subFrames[u]++;
        return result;
    }

    /// <summary>
    /// Formats one RMSG (or HMSG) for the route <paramref name="c"/> into its slot, as <see cref="Connection.EnqueueRoutedMessage"/>
    /// would queue it: a publisher's messages to a route are queued once per commit, not under the route's lock one by one.
    /// Counted against no subscription. Results as <see cref="Stage"/>.
    /// </summary>
    public DeliveryStageResult StageRouted(Connection c, string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, List<byte[]> queues, int headerSize, ReadOnlySpan<byte> message)
    {
        Connection.StripHeadersUnless(c.TakesHeaders, ref headerSize, ref message);
        int bound = Connection.RoutedLineBound(account, subject.Length, reply.Length, queues) + message.Length + 2;
        DeliveryStageResult result = TakeSlot(c, bound, out Slot? slot);
        if (slot is not null)
        {
            Append(slot, Connection.FormatRoutedMessage(slot.Buffer!.AsSpan(slot.Length), account, subject, reply, queues, headerSize, Sizes(headerSize, message.Length), message), message.Length, NoSubscription);
        }

        return result;
    }

    /// <summary>The line's end, <c>[hdr ]total\r\n</c>, of an MSG or RMSG: formatted again only when the sizes change.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Sizes(int headerSize, int total)
    {
        if (total != _sizesTotal || headerSize != _sizesHeader)
        {
            _sizesLength = Connection.FormatSizes(_sizes, headerSize, total);
            _sizesTotal = total;
            _sizesHeader = headerSize;
        }

        return _sizes.AsSpan(0, _sizesLength);
    }

    // A frame's subscription index for a routed frame: numbered against nothing.
    private const int NoSubscription = -1;

    /// <summary>
    /// The slot for <paramref name="c"/> with room for a frame of at most <paramref name="bound"/> bytes (its buffers rented);
    /// null with <see cref="DeliveryStageResult.No"/> (queue it directly) or <see cref="DeliveryStageResult.Full"/> (commit first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per frame: as a call it was 5 % of a fan-out profile
    private DeliveryStageResult TakeSlot(Connection c, int bound, out Slot? slot)
    {
        slot = null;
        if (bound > FrameLimit || c.IsClosing || c.IsSlowConsumer)
        {
            return DeliveryStageResult.No; // one going is refused directly: a queue group then picks another member
        }

        DeliveryStageResult result = DeliveryStageResult.Staged;
        int s = _lastSlot;
        if (s >= _slotCount || !ReferenceEquals(_slots[s].Target, c))
        {
            s = FindSlot(c);
            if (s < 0)
            {
                if (_slotCount == MaxConnections)
                {
                    return DeliveryStageResult.Full;
                }

                s = _slotCount++;
                _slots[s].Target = c;
                result = DeliveryStageResult.StagedNew;
            }

            _lastSlot = s;
        }

        Slot found = _slots[s];
        if (found.Length + bound > SlotBytes || found.Count == SlotFrames)
        {
            return DeliveryStageResult.Full;
        }

        found.Buffer ??= ArrayPool<byte>.Shared.Rent(SlotBytes);
        found.Frames ??= ArrayPool<int>.Shared.Rent(3 * SlotFrames);
        slot = found;
        return result;
    }

    /// <summary>Records a frame just formatted at the end of the slot's buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Append(Slot slot, int length, int payload, int subscription)
    {
        slot.Length += length;
        slot.Payload += payload;
        int[] frames = slot.Frames!;
        frames[slot.Count] = slot.Length;
        frames[SlotFrames + slot.Count] = slot.Payload;
        frames[2 * SlotFrames + slot.Count] = subscription;
        slot.Count++;
    }

    private int FindSlot(Connection c)
    {
        for (int i = 0; i < _slotCount; i++)
        {
            if (ReferenceEquals(_slots[i].Target, c))
            {
                return i;
            }
        }

        return -1;
    }

    private int FindSubscription(Subscription sub)
    {
        for (int i = 0; i < _subCount; i++)
        {
            if (ReferenceEquals(_subs[i], sub))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Numbers the staged frames against their subscriptions' UNSUB max, then queues every slot's frames under all
    /// their connections' locks at once. Sets <see cref="RefusedMsgs"/>, <see cref="Slow"/> and <see cref="Finished"/>
    /// for the caller, which acts on them outside the locks.
    /// </summary>
    public void Commit()
    {
        RefusedMsgs = 0;
        RefusedBytes = 0;
        Slow.Clear();
        Finished.Clear();
        if (_slotCount == 0)
        {
            return;
        }

        if (Number())
        {
            DropPastMax();
        }

        // Take every lock in the one global order, append, then let go: nothing is visible until all of it is queued.
        int n = 0;
        for (int i = 0; i < _slotCount; i++)
        {
            if (_slots[i].Count == 0)
            {
                continue; // everything in it was past an UNSUB max
            }

            long key = _slots[i].Target!.LockOrder;
            int j = n++;
            while (j > 0 && _slots[_order[j - 1]].Target!.LockOrder > key)
            {
                _order[j] = _order[j - 1];
                j--;
            }

            _order[j] = i;
        }

        int entered = 0;
        try
        {
            for (; entered < n; entered++)
            {
                _slots[_order[entered]].Target!.EnterOutbound();
            }

            for (int i = 0; i < n; i++)
            {
                Slot slot = _slots[_order[i]];
                int count = slot.Count;
                int[] frames = slot.Frames!;
                int queued = slot.Target!.AppendStaged(slot.Buffer.AsSpan(0, slot.Length), frames.AsSpan(0, count), frames.AsSpan(SlotFrames, count));
                if (queued < count)
                {
                    RefusedMsgs += count - queued;
                    RefusedBytes += slot.Payload - (queued == 0 ? 0 : frames[SlotFrames + queued - 1]);
                    Slow.Add(slot.Target);
                }
            }
        }
        finally
        {
            while (entered > 0)
            {
                _slots[_order[--entered]].Target!.ExitOutbound();
            }

            Reset();
        }
    }

    /// <summary>
    /// Raises each subscription's count by its frames (one interlocked add instead of one per message), then reads its
    /// max: the same fences as UNSUB's, which sets the max and then reads the count (ClientConnection.OnUnsubscribe),
    /// so every frame gets a distinct number and exactly max go out in total. True when some are past it.
    /// </summary>
    private bool Number()
    {
        bool past = false;
        for (int u = 0; u < _subCount; u++)
        {
            Subscription sub = _subs[u]!;
            int frames = _subFrames[u];
            long last = Interlocked.Add(ref sub.Delivered, frames);
            long max = Volatile.Read(ref sub.MaxMsgs);
            _subAllowed[u] = frames;
            if (max <= 0 || last < max)
            {
                continue;
            }

            long first = last - frames + 1;
            if (first <= max)
            {
                Finished.Add(sub); // the max-th is one of these: it goes, then the subscription
            }

            int allowed = (int)Math.Max(0, max - first + 1);
            if (allowed < frames)
            {
                _subAllowed[u] = allowed;
                past = true;
            }
        }

        return past;
    }

    /// <summary>Takes the frames numbered past their subscription's max out of their slots (an UNSUB max set while they were staged).</summary>
    private void DropPastMax()
    {
        for (int s = 0; s < _slotCount; s++)
        {
            Slot slot = _slots[s];
            int[] frames = slot.Frames!;
            byte[] buffer = slot.Buffer!;
            int kept = 0;
            int length = 0;
            int payload = 0;
            int start = 0;
            int startPayload = 0;
            for (int f = 0; f < slot.Count; f++)
            {
                int end = frames[f];
                int endPayload = frames[SlotFrames + f];
                int u = frames[2 * SlotFrames + f];
                if (u == NoSubscription || _subAllowed[u] > 0)
                {
                    if (u != NoSubscription)
                    {
                        _subAllowed[u]--;
                    }

                    buffer.AsSpan(start, end - start).CopyTo(buffer.AsSpan(length));
                    length += end - start;
                    payload += endPayload - startPayload;
                    frames[kept] = length;
                    frames[SlotFrames + kept] = payload;
                    frames[2 * SlotFrames + kept] = u;
                    kept++;
                }
                else
                {
                    RefusedMsgs++;
                    RefusedBytes += endPayload - startPayload;
                }

                start = end;
                startPayload = endPayload;
            }

            slot.Count = kept;
            slot.Length = length;
            slot.Payload = payload;
        }
    }

    private void Reset()
    {
        for (int i = 0; i < _slotCount; i++)
        {
            Slot slot = _slots[i];
            slot.Target = null;
            slot.Length = 0;
            slot.Count = 0;
            slot.Payload = 0;
            slot.LastSub = 0;
        }

        Array.Clear(_subs, 0, _subCount);
        _slotCount = 0;
        _subCount = 0;
        _lastSlot = 0;
    }

    /// <summary>At the end of a read, after the last commit: gives the buffers back (an idle connection keeps nothing).</summary>
    public void Release()
    {
        foreach (Slot slot in _slots)
        {
            if (slot.Buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(slot.Buffer);
                ArrayPool<int>.Shared.Return(slot.Frames!);
                slot.Buffer = null;
                slot.Frames = null;
            }
        }
    }

    /// <summary>One connection's staged frames. Frames[i] is where frame i ends, [SlotFrames + i] the message bytes of frames 0..i, [2 * SlotFrames + i] its subscription's index.</summary>
    private sealed class Slot
    {
        public Connection? Target;
        public byte[]? Buffer;
        public int[]? Frames;
        public int Length;
        public int Count;
        public int Payload;
        public int LastSub; // the index in _subs of the subscription its last frame was for
    }
}
