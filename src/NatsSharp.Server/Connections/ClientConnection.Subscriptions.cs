using System.Text;
using NatsSharp.Server.Auth;
using NatsSharp.Server.Subjects;
using NatsSharp.Server.Accounts;

namespace NatsSharp.Server.Connections;

/// <summary>SUB and UNSUB: the connection's subscriptions by sid, mirrored in the account's Sublist.</summary>
internal sealed partial class ClientConnection
{
    // Guarded by itself: the read loop adds and removes, publishers remove on auto-unsubscribe.
    private readonly Dictionary<string, Subscription> _subs = new(StringComparer.Ordinal);

    public int SubscriptionCount
    {
        get
        {
            lock (_subs)
            {
                return _subs.Count;
            }
        }
    }

    public List<Subscription> SubscriptionsSnapshot()
    {
        lock (_subs)
        {
            return [.. _subs.Values];
        }
    }

    public bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid)
    {
        if (IsClosing)
        {
            return true; // nats-server refuses a SUB on a closed connection and goes on with its read
        }

        MarkActivity();
        _delivery?.CommitStaged(); // the RS+ it may send a route goes behind the RMSGs this read staged for it, as nats-server's

        // nats-server's order: permissions, the limit, a repeated sid (accepted as it is, whatever
        // the subject), and only then the subject, checked when it goes into the sublist.
        if (!SubscribeAllowed(subject, queue, sid))
        {
            return true;
        }

        string key = Encoding.UTF8.GetString(sid);
        Subscription sub;
        lock (_subs)
        {
            int max = _maxSubscriptions; // the account's or the server's, whichever is lower
            if (max != AccountLimits.NoLimit && _subs.Count >= max)
            {
                _log.Error(Prefix + "maximum subscriptions exceeded");
                SendErr("maximum subscriptions exceeded");
                return true;
            }

            if (_subs.ContainsKey(key))
            {
                SendOk(); // a repeated sid is silently accepted, as nats-server does
                return true;
            }

            // The queue name is not checked: nats-server's sublist takes any (a form feed, say).
            if (!SubjectRules.IsValidSubscribeSubject(subject))
            {
                SendErr("Invalid Subject");
                return true;
            }

            sub = new Subscription(this, subject.ToArray(), queue.IsEmpty ? null : queue.ToArray(), sid.ToArray()) { AccountName = _account.Name };
            _subs.Add(key, sub);
        }

        _account.Sublist.Insert(sub);
        _server.OnSubscriptionChanged(sub, +1);
        SendOk();
        return true;
    }

    public bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max)
    {
        MarkActivity();
        _delivery?.CommitStaged(); // and its RS- too
        string key = Encoding.UTF8.GetString(sid);
        Subscription? sub;
        lock (_subs)
        {
            _subs.TryGetValue(key, out sub);
        }

        if (sub is not null)
        {
            // UNSUB sid max counts what was already delivered; at or past max it goes now. The max is
            // published before Delivered is read (both full fences; publishers do the reverse), so a
            // delivery either counted before it and is seen here, or sees the max and is numbered
            // against it: never more than max in total, whichever publisher threads race (ToSubscriber).
            if (max > 0)
            {
                Interlocked.Exchange(ref sub.MaxMsgs, max);
            }

            if (max <= 0 || Interlocked.Read(ref sub.Delivered) >= max)
            {
                RemoveSubscription(sub);
            }
        }

        SendOk();
        return true;
    }

    internal override void RemoveSubscription(Subscription sub)
    {
        lock (_subs)
        {
            string key = Encoding.UTF8.GetString(sub.Sid);
            if (!_subs.TryGetValue(key, out var existing) || !ReferenceEquals(existing, sub))
            {
                return;
            }

            _subs.Remove(key);
            sub.Closed = true;
        }

        _account.Sublist.Remove(sub);
        _server.OnSubscriptionChanged(sub, -1);
        Trace($"<-> [DELSUB {Encoding.UTF8.GetString(sub.Sid)}]");
    }

    private void RemoveAllSubscriptions()
    {
        List<Subscription> all;
        lock (_subs)
        {
            all = [.. _subs.Values];
            _subs.Clear();
        }

        foreach (Subscription sub in all)
        {
            sub.Closed = true;
        }

        if (all.Count > 0)
        {
            _account.Sublist.RemoveBatch(all);
            foreach (Subscription sub in all)
            {
                _server.OnSubscriptionChanged(sub, -1);
            }
        }
    }
}
