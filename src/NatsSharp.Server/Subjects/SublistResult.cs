namespace NatsSharp.Server.Subjects;

/// <summary>
/// The subscriptions a subject matched. Immutable once built: instances are cached and
/// handed to many connection threads at once, so callers must never write to the arrays.
/// </summary>
internal sealed class SublistResult
{
    public static readonly SublistResult Empty = new([], []);

    internal SublistResult(Subscription[] plain, Subscription[][] queues)
    {
        Plain = plain;
        Queues = queues;
    }

    /// <summary>Non-queue subscriptions; each gets a copy of the message.</summary>
    public Subscription[] Plain { get; }

    /// <summary>One non-empty array per queue group (same queue name bytes); one member of each gets the message.</summary>
    public Subscription[][] Queues { get; }

    public bool IsEmpty => Plain.Length == 0 && Queues.Length == 0;

    /// <summary>Deliveries a message fans out to: one per plain sub plus one per queue group.</summary>
    internal int Fanout => Plain.Length + Queues.Length;

    /// <summary>A copy with <paramref name="sub"/> added; untouched queue arrays are shared.</summary>
    internal SublistResult WithAdded(Subscription sub)
    {
        if (sub.Queue is not { } queue)
        {
            return new SublistResult([.. Plain, sub], Queues);
        }

        int slot = FindQueue(queue);
        if (slot < 0)
        {
            return new SublistResult(Plain, [.. Queues, [sub]]);
        }

        var queues = (Subscription[][])Queues.Clone();
        queues[slot] = [.. Queues[slot], sub];
        return new SublistResult(Plain, queues);
    }

    private int FindQueue(byte[] queue)
    {
        for (int i = 0; i < Queues.Length; i++)
        {
            if (Queues[i][0].Queue.AsSpan().SequenceEqual(queue))
            {
                return i;
            }
        }

        return -1;
    }
}
