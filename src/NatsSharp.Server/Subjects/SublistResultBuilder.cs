namespace NatsSharp.Server.Subjects;

/// <summary>
/// Gathers the subscriptions of matched trie nodes into a SublistResult. One instance
/// per thread is reused so a trie walk allocates only the result itself.
/// </summary>
internal sealed class SublistResultBuilder
{
    // Past this many queue groups in one result, find groups by hash instead of scanning.
    private const int LinearQueueLimit = 8;

    // Do not let one huge match pin big buffers on a thread forever.
    private const int MaxRetainedCapacity = 4096;

    [ThreadStatic]
    private static SublistResultBuilder? _perThread;

    private List<Subscription> _plain = [];
    private readonly List<byte[]> _queueNames = [];

    // Member lists are kept across uses; the first _queueNames.Count are live.
    private readonly List<List<Subscription>> _queueMembers = [];
    private Dictionary<byte[], int>? _queueIndex;

    /// <summary>The calling thread's builder. Not reentrant: finish with Build before the next use.</summary>
    public static SublistResultBuilder ForCurrentThread() => _perThread ??= new SublistResultBuilder();

    public void Add(SublistNode node)
    {
        if (node.Plain is { } plain)
        {
            _plain.AddRange(plain);
        }

        if (node.Queues is { } queues)
        {
            foreach (var (name, members) in queues)
            {
                GroupFor(name).AddRange(members);
            }
        }
    }

    public SublistResult Build()
    {
        if (_plain.Count == 0 && _queueNames.Count == 0)
        {
            return SublistResult.Empty;
        }

        Subscription[] plain = _plain.Count == 0 ? [] : _plain.ToArray();
        var queues = _queueNames.Count == 0 ? [] : new Subscription[_queueNames.Count][];
        for (int i = 0; i < queues.Length; i++)
        {
            queues[i] = _queueMembers[i].ToArray();
        }

        Reset();
        return new SublistResult(plain, queues);
    }

    /// <summary>Forgets everything gathered so far.</summary>
    public void Reset()
    {
        if (_plain.Capacity > MaxRetainedCapacity)
        {
            _plain = [];
        }
        else
        {
            _plain.Clear();
        }

        for (int i = 0; i < _queueNames.Count; i++)
        {
            if (_queueMembers[i].Capacity > MaxRetainedCapacity)
            {
                _queueMembers[i] = [];
            }
            else
            {
                _queueMembers[i].Clear();
            }
        }

        if (_queueMembers.Count > LinearQueueLimit * 8)
        {
            _queueMembers.RemoveRange(LinearQueueLimit, _queueMembers.Count - LinearQueueLimit);
        }

        _queueNames.Clear();
        _queueIndex = null;
    }

    private List<Subscription> GroupFor(byte[] name)
    {
        int count = _queueNames.Count;
        if (_queueIndex is not null)
        {
            if (_queueIndex.TryGetValue(name, out int found))
            {
                return _queueMembers[found];
            }
        }
        else
        {
            for (int i = 0; i < count; i++)
            {
                var existing = _queueNames[i];
                if (ReferenceEquals(existing, name) || existing.AsSpan().SequenceEqual(name))
                {
                    return _queueMembers[i];
                }
            }
        }

        if (count == _queueMembers.Count)
        {
            _queueMembers.Add([]);
        }

        _queueNames.Add(name);
        if (_queueIndex is not null)
        {
            _queueIndex.Add(name, count);
        }
        else if (_queueNames.Count > LinearQueueLimit)
        {
            _queueIndex = new Dictionary<byte[], int>(ByteArrayComparer.Instance);
            for (int i = 0; i < _queueNames.Count; i++)
            {
                _queueIndex.Add(_queueNames[i], i);
            }
        }

        return _queueMembers[count];
    }
}
