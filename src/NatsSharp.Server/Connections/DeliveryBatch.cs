using NatsSharp.Server.Cluster;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Connections;

/// <summary>
/// What one read loop does to deliver messages: queue MSG frames for local subscribers,
/// remember every connection it touched, and at the end of the read wake each of them once
/// and add the counters to the server's totals. Owned by one read loop; never shared.
/// </summary>
internal sealed class DeliveryBatch
{
    private readonly HashSet<Connection> _touched = [];
    private readonly ServerStats _stats;
    private readonly ServerLog _log;
    private Connection? _lastTouched;
    private long _outMsgs;
    private long _outBytes;

    public DeliveryBatch(ServerStats stats, ServerLog log)
    {
        _stats = stats;
        _log = log;
    }

    /// <summary>Per-message scratch for the routes a message goes to (reused, never allocated per message).</summary>
    public RouteFanout Routes { get; } = new();

    public void Touch(Connection c)
    {
        if (!ReferenceEquals(c, _lastTouched))
        {
            _lastTouched = c;
            _touched.Add(c);
        }
    }

    /// <summary>Queues the message for one local subscription; false if it could not take it.</summary>
    public bool ToSubscriber(Subscription sub, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        Connection target = sub.Client;
        if (sub.Closed)
        {
            return false;
        }

        // A wildcard subscription may cover subjects its user may not subscribe to: filter here,
        // whichever way the message came in (client, route).
        ClientConnection? targetClient = target as ClientConnection;
        if (targetClient is not null && !targetClient.DeliveryAllowed(subject))
        {
            return false;
        }

        bool lastOne = false;
        if (sub.MaxMsgs > 0)
        {
            long n = Interlocked.Increment(ref sub.Delivered);
            if (n > sub.MaxMsgs)
            {
                return false;
            }

            lastOne = n == sub.MaxMsgs;
        }
        else
        {
            sub.Delivered++;
        }

        if (!target.EnqueueMessage(subject, sub.Sid, reply, headerSize, message, target.TakesHeaders))
        {
            if (target.IsSlowConsumer)
            {
                target.OnSlowConsumer();
            }

            return false;
        }

        Touch(target);
        if (!reply.IsEmpty)
        {
            targetClient?.GrantReply(reply); // allow_responses
        }

        _outMsgs++;
        _outBytes += message.Length;
        if (lastOne)
        {
            target.RemoveSubscription(sub);
        }

        if (_log.IsTrace && targetClient is { } client)
        {
            client.TraceOut(subject, sub.Sid, reply, headerSize, message.Length);
        }

        return true;
    }

    /// <summary>Sends the message once to each route collected in <see cref="Routes"/>, then clears it.</summary>
    public void ToRoutes(string account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message)
    {
        for (int i = 0; i < Routes.Count; i++)
        {
            Connection route = Routes.RouteAt(i);
            string? onWire = route is LeafNodes.LeafConnection ? null : account; // leafnode messages name no account
            if (route.EnqueueRoutedMessage(onWire, subject, reply, Routes.QueuesAt(i), headerSize, message))
            {
                Touch(route);
                _outMsgs++;
                _outBytes += message.Length;
            }
        }

        Routes.Clear();
    }

    /// <summary>After a read: wake every connection written to, once, and add up the counters.</summary>
    public void End(long inMsgs, long inBytes)
    {
        foreach (Connection c in _touched)
        {
            c.SignalFlush();
        }

        _touched.Clear();
        _lastTouched = null;
        if (inMsgs != 0)
        {
            _stats.AddIn(inMsgs, inBytes);
        }

        if (_outMsgs != 0)
        {
            _stats.AddOut(_outMsgs, _outBytes);
            _outMsgs = 0;
            _outBytes = 0;
        }
    }
}
