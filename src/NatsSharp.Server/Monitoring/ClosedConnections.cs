namespace NatsSharp.Server.Monitoring;

/// <summary>
/// The last N closed connections for /connz?state=closed, oldest first. Written once per
/// close (never on the message path), so a plain lock is enough.
/// </summary>
internal sealed class ClosedConnections
{
    /// <summary>nats-server keeps 10,000.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ClosedConnection[] _ring;
    private long _total;

    public ClosedConnections(int capacity = DefaultCapacity) => _ring = new ClosedConnection[capacity];

    public void Add(ClosedConnection info)
    {
        lock (_ring)
        {
            _ring[_total % _ring.Length] = info;
            _total++;
        }
    }

    /// <summary>A copy, oldest first.</summary>
    public List<ClosedConnection> Snapshot()
    {
        lock (_ring)
        {
            int count = (int)Math.Min(_total, _ring.Length);
            var list = new List<ClosedConnection>(count);
            long first = _total - count;
            for (long i = first; i < _total; i++)
            {
                list.Add(_ring[i % _ring.Length]);
            }

            return list;
        }
    }
}
