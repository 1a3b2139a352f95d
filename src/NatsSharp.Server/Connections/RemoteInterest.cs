using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The interest a server peer (route or leafnode) announced to us (RS+/LS+), one subscription per
/// subject and queue group, kept so it can be withdrawn (RS-/LS-), listed for monitoring and torn
/// down in one go when the peer goes. Written by the peer's read loop only (and by teardown and
/// reload under the lock); monitoring reads it from other threads.
/// </summary>
internal sealed class RemoteInterest
{
    private readonly Dictionary<string, Subscription> _subs = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_subs)
            {
                return _subs.Count;
            }
        }
    }

    /// <summary>Known already: a repeated RS+/LS+ is a queue weight update, and one entry per group is enough to route to the peer.</summary>
    public bool Contains(string key)
    {
        lock (_subs)
        {
            return _subs.ContainsKey(key);
        }
    }

    public void Add(string key, Subscription sub)
    {
        lock (_subs)
        {
            _subs.TryAdd(key, sub);
        }
    }

    /// <summary>Withdraws the interest under <paramref name="key"/>, marked closed; null if unknown.</summary>
    public Subscription? Remove(string key)
    {
        lock (_subs)
        {
            if (!_subs.Remove(key, out Subscription? sub))
            {
                return null;
            }

            sub.Closed = true;
            return sub;
        }
    }

    /// <summary>Withdraws every entry <paramref name="drop"/> picks, marked closed.</summary>
    public List<Subscription> RemoveWhere(Func<Subscription, bool> drop)
    {
        List<Subscription> dropped = [];
        lock (_subs)
        {
            foreach ((string key, Subscription sub) in _subs)
            {
                if (drop(sub))
                {
                    sub.Closed = true;
                    dropped.Add(sub);
                    _subs.Remove(key);
                }
            }
        }

        return dropped;
    }

    /// <summary>Withdraws everything (the peer is gone or replaced), marked closed.</summary>
    public List<Subscription> Clear() => RemoveWhere(static _ => true);

    public List<Subscription> Snapshot()
    {
        lock (_subs)
        {
            return [.. _subs.Values];
        }
    }

    public List<string> Keys()
    {
        lock (_subs)
        {
            return [.. _subs.Keys];
        }
    }
}
