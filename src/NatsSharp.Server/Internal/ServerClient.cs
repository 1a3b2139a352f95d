using System.Text;
using System.Threading.Channels;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Connections;
using NatsSharp.Server.Logging;
using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Internal;

/// <summary>
/// The server's own NATS client (nats-server's internal client and its send queue): subscribes
/// handlers in any account and publishes messages into any account. Subscriptions sit in the
/// account's Sublist like a client's and their interest reaches routes and leafnodes the same way;
/// publishes go through one queue and one loop with its own <see cref="DeliveryBatch"/>, so a
/// handler can publish (a reply) from inside a delivery without re-entering the message path.
/// </summary>
internal sealed class ServerClient
{
    private readonly Channel<Outgoing> _sendQueue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<Subscription, int> _interestChanged;
    private readonly DeliveryBatch _batch;
    private readonly ServerStats _stats;
    private readonly ServerLog _log;
    private long _nextSid;
    private Task? _sendLoop;

    public ServerClient(ServerStats stats, ServerLog log, Action<Subscription, int> interestChanged)
    {
        _batch = new DeliveryBatch(stats, log);
        _stats = stats;
        _log = log;
        _interestChanged = interestChanged;
    }

    /// <summary>Subscribes <paramref name="handler"/> to <paramref name="subject"/> in <paramref name="account"/> (optionally in a queue group).</summary>
    public InternalSubscriber Subscribe(Account account, string subject, InternalMessageHandler handler, string? queue = null, bool streamImports = false)
    {
        var subscriber = new InternalSubscriber(account, handler) { TakesStreamImports = streamImports };
        byte[] sid = Encoding.ASCII.GetBytes(Interlocked.Increment(ref _nextSid).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var sub = new Subscription(subscriber, Encoding.UTF8.GetBytes(subject), queue is null ? null : Encoding.UTF8.GetBytes(queue), sid) { AccountName = account.Name };
        subscriber.Subscription = sub;
        account.Sublist.Insert(sub);
        _interestChanged(sub, +1);
        return subscriber;
    }

    public void Unsubscribe(InternalSubscriber subscriber)
    {
        Subscription sub = subscriber.Subscription;
        if (sub.Closed)
        {
            return;
        }

        sub.Closed = true;
        subscriber.Account.Sublist.Remove(sub);
        _interestChanged(sub, -1);
    }

    /// <summary>Queues a message for delivery in <paramref name="account"/>; delivered in order by the send loop.</summary>
    public void Publish(Account account, string subject, string? reply, ReadOnlySpan<byte> data, ReadOnlySpan<byte> header = default)
    {
        byte[] message = new byte[header.Length + data.Length];
        header.CopyTo(message);
        data.CopyTo(message.AsSpan(header.Length));
        _sendQueue.Writer.TryWrite(new Outgoing(account, Encoding.UTF8.GetBytes(subject), reply is null ? [] : Encoding.UTF8.GetBytes(reply), header.Length, message));
    }

    /// <summary>
    /// Queues a message routed by <paramref name="deliverSubject"/> but shown to subscribers as
    /// <paramref name="subject"/> (nats-server's JetStream delivery: a consumer's message reaches the
    /// deliver subject or pull inbox with the stored subject in its MSG line). Routes and leafs get the deliver subject.
    /// </summary>
    public void Deliver(Account account, string deliverSubject, string subject, string? reply, ReadOnlySpan<byte> data, ReadOnlySpan<byte> header = default)
    {
        byte[] message = new byte[header.Length + data.Length];
        header.CopyTo(message);
        data.CopyTo(message.AsSpan(header.Length));
        _sendQueue.Writer.TryWrite(new Outgoing(account, Encoding.UTF8.GetBytes(subject), reply is null ? [] : Encoding.UTF8.GetBytes(reply), header.Length, message, Encoding.UTF8.GetBytes(deliverSubject)));
    }

    /// <summary>A delivery batch for a loop of the server's own that publishes directly (a stream's acks), not through the send queue.</summary>
    public DeliveryBatch CreateBatch() => new(_stats, _log);

    public void Start() => _sendLoop = Task.Run(SendLoopAsync);

    /// <summary>Completes when everything queued before it has been delivered (or at once when the loop is not running).</summary>
    public Task FlushAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_sendLoop is null || !_sendQueue.Writer.TryWrite(new Outgoing(null!, [], [], 0, [], Done: done)))
        {
            done.TrySetResult();
        }

        return done.Task;
    }

    /// <summary>Delivers what is queued, then stops.</summary>
    public async Task StopAsync()
    {
        _sendQueue.Writer.TryComplete();
        if (_sendLoop is not null)
        {
            await _sendLoop.ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        ChannelReader<Outgoing> reader = _sendQueue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out Outgoing m))
            {
                if (m.Done is not null)
                {
                    _batch.End(0, 0);
                    m.Done.TrySetResult();
                    continue;
                }

                try
                {
                    if (m.RouteBy is null)
                    {
                        _batch.Publish(m.Account, null, m.Subject, m.Reply, m.HeaderSize, m.Message);
                    }
                    else
                    {
                        DeliverLocal(m);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _log.Error($"Internal publish on \"{Encoding.UTF8.GetString(m.Subject)}\" failed: {ex.Message}");
                }
            }

            _batch.End(0, 0); // wake every connection written to, once per drained run
        }
    }

    private void DeliverLocal(Outgoing m)
    {
        SublistResult result = m.Account.Sublist.Match(m.RouteBy);
        foreach (Subscription sub in result.Plain)
        {
            if (!sub.Subscriber.IsServerPeer)
            {
                _batch.ToSubscriber(sub, m.Subject, m.Reply, m.HeaderSize, m.Message);
            }
            else if (sub.Import is null)
            {
                _batch.Peers.Add(sub.Subscriber, null);
            }
        }

        if (_batch.Peers.Count > 0)
        {
            // A route or leaf gets it on the deliver subject with the stored one after '@' in the reply, as
            // nats-server sends it: a mirror or source in another domain reads the origin's consumer over a leafnode.
            byte[] reply = m.Reply.Length == 0 ? m.Reply : [.. m.Reply, (byte)'@', .. m.Subject];
            _batch.ToPeers(m.Account.Name, m.RouteBy, reply, m.HeaderSize, m.Message);
        }

        foreach (Subscription[] group in result.Queues)
        {
            int start = Random.Shared.Next(group.Length);
            for (int i = 0; i < group.Length; i++)
            {
                Subscription member = group[(start + i) % group.Length];
                if (!member.Subscriber.IsServerPeer && _batch.ToSubscriber(member, m.Subject, m.Reply, m.HeaderSize, m.Message))
                {
                    break;
                }
            }
        }
    }

    private readonly record struct Outgoing(Account Account, byte[] Subject, byte[] Reply, int HeaderSize, byte[] Message, byte[]? RouteBy = null, TaskCompletionSource? Done = null);
}
