using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The server peers (routes, leafnodes) one message must be forwarded to, each once, with the
/// queue groups this server picked a member on that peer for. Reused message after message by
/// one read loop.
/// </summary>
internal sealed class PeerFanout
{
    // Structs, not a Subscriber[]: a store into an array of a class type is type-checked (covariance) every time.
    private Entry[] _entries = [new([]), new([]), new([]), new([])];

    public int Count { get; private set; }

    public Subscriber PeerAt(int i) => _entries[i].Peer!;

    public List<byte[]> QueuesAt(int i) => _entries[i].Queues;

    /// <summary>Adds the peer (once) and, for a queue pick, the group name.</summary>
    public void Add(Subscriber peer, byte[]? queue)
    {
        int at = 0;
        while (at < Count && !ReferenceEquals(_entries[at].Peer, peer))
        {
            at++;
        }

        if (at == Count)
        {
            if (Count == _entries.Length)
            {
                Array.Resize(ref _entries, Count * 2);
                for (int i = Count; i < _entries.Length; i++)
                {
                    _entries[i] = new Entry([]);
                }
            }

            Count++;
            _entries[at].Peer = peer;
        }

        if (queue is not null)
        {
            _entries[at].Queues.Add(queue);
        }
    }

    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _entries[i].Peer = null;
            if (_entries[i].Queues.Count != 0)
            {
                _entries[i].Queues.Clear();
            }
        }

        Count = 0;
    }

    private struct Entry(List<byte[]> queues)
    {
        public Subscriber? Peer;
        public readonly List<byte[]> Queues = queues;
    }
}
