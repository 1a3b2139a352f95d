namespace NatsSharp.Server.Subjects;

/// <summary>
/// One token position in the trie: the subscriptions whose subject ends here and the
/// level for longer subjects. Mutated only under the Sublist write lock.
/// </summary>
internal sealed class SublistNode
{
    public SublistNode(byte[]? key)
    {
        Key = key;
    }

    /// <summary>The literal token this node is stored under, or null for a '*' or '>' slot.</summary>
    public byte[]? Key { get; }

    /// <summary>Created on demand; most nodes are leaves.</summary>
    public SublistLevel? Next;

    // Sets, not lists, so removing one sub of many on a busy subject is O(1).
    public HashSet<Subscription>? Plain;

    public Dictionary<byte[], HashSet<Subscription>>? Queues;

    public bool IsEmpty => Plain is null && Queues is null && Next is null;

    /// <summary>Adds the subscription; false if it was already here.</summary>
    public bool Add(Subscription sub)
    {
        if (sub.Queue is not { } queue)
        {
            return (Plain ??= []).Add(sub);
        }

        Queues ??= new Dictionary<byte[], HashSet<Subscription>>(ByteArrayComparer.Instance);
        if (!Queues.TryGetValue(queue, out var members))
        {
            members = [];
            Queues.Add(queue, members);
        }

        return members.Add(sub);
    }

    /// <summary>Removes the subscription; false if it was not here. Drops emptied sets so IsEmpty stays cheap.</summary>
    public bool Remove(Subscription sub)
    {
        if (sub.Queue is not { } queue)
        {
            if (Plain is null || !Plain.Remove(sub))
            {
                return false;
            }

            if (Plain.Count == 0)
            {
                Plain = null;
            }

            return true;
        }

        if (Queues is null || !Queues.TryGetValue(queue, out var members) || !members.Remove(sub))
        {
            return false;
        }

        if (members.Count == 0)
        {
            Queues.Remove(queue);
            if (Queues.Count == 0)
            {
                Queues = null;
            }
        }

        return true;
    }

    public void CollectInto(List<Subscription> into)
    {
        if (Plain is not null)
        {
            into.AddRange(Plain);
        }

        if (Queues is not null)
        {
            foreach (var members in Queues.Values)
            {
                into.AddRange(members);
            }
        }
    }
}
