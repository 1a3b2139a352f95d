using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The server peers (routes, leafnodes) one message must be forwarded to, each once, with the
/// queue groups this server picked a member on that peer for. Reused message after message by
/// one read loop.
/// </summary>
internal sealed class PeerFanout
{
    private Subscriber[] _peers = new Subscriber[4];
    private List<byte[]>[] _queues = [[], [], [], []];

    public int Count { get; private set; }

    public Subscriber PeerAt(int i) => _peers[i];

    public List<byte[]> QueuesAt(int i) => _queues[i];

    /// <summary>Adds the peer (once) and, for a queue pick, the group name.</summary>
    public void Add(Subscriber peer, byte[]? queue)
    {
        int at = Array.IndexOf(_peers, peer, 0, Count);
        if (at < 0)
        {
            if (Count == _peers.Length)
            {
                Array.Resize(ref _peers, Count * 2);
                Array.Resize(ref _queues, Count * 2);
                for (int i = Count; i < _queues.Length; i++)
                {
                    _queues[i] = [];
                }
            }

            at = Count++;
            _peers[at] = peer;
        }

        if (queue is not null)
        {
            _queues[at].Add(queue);
        }
    }

    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _peers[i] = null!;
            _queues[i].Clear();
        }

        Count = 0;
    }
}
