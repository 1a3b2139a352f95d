using NatsSharp.Server.Connections;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// The routes and leaf connections one message must be forwarded to, each once, with the queue groups this server
/// picked a member on that route for. Reused message after message by one read loop.
/// </summary>
internal sealed class RouteFanout
{
    private Connection[] _routes = new Connection[4];
    private List<byte[]>[] _queues = [[], [], [], []];

    public int Count { get; private set; }

    public Connection RouteAt(int i) => _routes[i];

    public List<byte[]> QueuesAt(int i) => _queues[i];

    /// <summary>Adds the route (once) and, for a queue pick, the group name.</summary>
    public void Add(Connection route, byte[]? queue)
    {
        int at = Array.IndexOf(_routes, route, 0, Count);
        if (at < 0)
        {
            if (Count == _routes.Length)
            {
                Array.Resize(ref _routes, Count * 2);
                Array.Resize(ref _queues, Count * 2);
                for (int i = Count; i < _queues.Length; i++)
                {
                    _queues[i] = [];
                }
            }

            at = Count++;
            _routes[at] = route;
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
            _routes[i] = null!;
            _queues[i].Clear();
        }

        Count = 0;
    }
}
