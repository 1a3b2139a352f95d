using System.Globalization;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Storage;
using NatsSharp.Server.JetStream.Streams;

namespace NatsSharp.Server.JetStream.Consumers;

/// <summary>
/// One consumer of a stream, push or pull. Every member runs under its stream's lock (the stream's
/// loop, the API loop and the timer take it), so the consumer itself holds no lock. Its state is
/// written through <see cref="IConsumerStore"/> as it changes.
/// </summary>
internal sealed class Consumer
{
    // nats-server's JsFlowControlMaxPending: the window starts at 1/16 of it and doubles with each answer.
    private const int FlowControlMaxPending = 32 * 1024 * 1024;

    // nats-server waits a replay gap only when it is over a millisecond.
    private const long ReplayMinGapNs = 1_000_000;
    private static readonly long DefaultEphemeralIdleNs = TimeSpan.FromSeconds(5).Ticks * 100;

    private readonly JsStream _stream;
    private readonly IConsumerStore _store;
    private readonly Dictionary<ulong, PendingMessage> _pending = [];

    // The smallest key of _pending when it is still in there (0 = unknown): the ack floor without a scan per ack.
    private ulong _minPending;
    private readonly Dictionary<ulong, ulong> _deliveries = [];
    private readonly SortedSet<ulong> _redeliver = [];
    private readonly Queue<ulong> _lastPerSubject = new();
    private readonly LinkedList<WaitingRequest> _waiting = new();
    private readonly byte[]? _deliverSubjectBytes;
    private InternalSubscriber? _ackSubscription;
    private InternalSubscriber? _flowControlSubscription;
    private ulong _sseq;
    private ulong _dseq;
    private ulong _lastDeliveredStreamSeq;
    private ulong _lastPerSubjectDelivered; // the last of the starting last-per-subject set delivered, 0 = none yet
    private long _lastAckNs;                // nats-server's o.lat: when an ack last reached the ack floor's bookkeeping
    private SequencePair _ackFloor;
    private long _lastActiveNs;
    private long _lastDeliveryNs;
    private long _idleSinceNs;
    private bool _stopped;

    // Delivery waits until then: a replay_policy original gap or the rate limit (the tick resumes it).
    private long _resumeAtNs;

    // replay_policy original (nats-server's o.replay): until the first pass reaches the last sequence
    // the stream had at start, each message waits the gap between its timestamp and the previous one's.
    private bool _replaying;
    private ulong _replayUntilSeq;
    private long _replayLastTs;
    private long _replayLastDeliveryNs;

    // rate_limit_bps: a token bucket in bytes, full at start (nats-server: rate.NewLimiter(bps/8, burst)).
    private double _rateTokens;
    private double _rateBytesPerNs;
    private int _rateBurst;
    private long _rateLastNs;

    // Flow control (nats-server's maxpb, pbytes, fcsz, fcid): bytes delivered since the last answered
    // request; delivery stops above the window until the pending request is answered.
    private int _fcWindow;
    private int _fcPendingBytes;
    private int _fcSize;
    private string? _fcId;

    public Consumer(JsStream stream, string name, ConsumerConfig config, IConsumerStore store, DateTime created)
    {
        _stream = stream;
        Name = name;
        Config = config;
        _store = store;
        _store.AckPolicy = config.AckPolicy switch { "all" => StoreAckPolicy.All, "none" => StoreAckPolicy.None, _ => StoreAckPolicy.Explicit };
        Created = created;
        _deliverSubjectBytes = config.DeliverSubject is { } d ? Encoding.UTF8.GetBytes(d) : null;
        _idleSinceNs = JsTime.NowNs();
    }

    public string Name { get; }

    public ConsumerConfig Config { get; private set; }

    public DateTime Created { get; }

    /// <summary>The consumer's state store (a snapshot copies what it holds, under the stream's lock).</summary>
    public IConsumerStore Store => _store;

    public bool IsDurable => !string.IsNullOrEmpty(Config.Durable);

    public bool IsPush => !string.IsNullOrEmpty(Config.DeliverSubject);

    private bool AckNone => Config.AckPolicy == "none";

    private string Filter => Config.FilterSubject ?? "";

    /// <summary>Sets the start position (or the recovered state) and subscribes the ack subject.</summary>
    public void Start()
    {
        ConsumerState recovered = _store.State;
        if (recovered.Delivered.StreamSequence > 0 || recovered.Delivered.ConsumerSequence > 0)
        {
            _dseq = recovered.Delivered.ConsumerSequence;
            _sseq = recovered.Delivered.StreamSequence + 1;
            _lastDeliveredStreamSeq = recovered.Delivered.StreamSequence;
            _ackFloor = recovered.AckFloor;
            long now = JsTime.NowNs();
            foreach (KeyValuePair<ulong, PendingDelivery> p in recovered.Pending)
            {
                _pending[p.Key] = new PendingMessage { ConsumerSequence = p.Value.ConsumerSequence, DeliveredNs = p.Value.TimestampNs, DeadlineNs = now + AckWaitNs(1) };
                _deliveries[p.Key] = 1 + recovered.Redelivered.GetValueOrDefault(p.Key);
            }
        }
        else
        {
            SetStartPosition();
        }

        if (Config.ReplayPolicy == "original")
        {
            _replaying = true;
            _replayUntilSeq = _stream.Store.State.LastSequence;
        }

        SetRateLimit();
        _store.WriteMetadata(JsonSerializer.SerializeToUtf8Bytes(Config, JsJson.Default.ConsumerConfig));
        string ackSubject = $"$JS.ACK.{_stream.Name}.{Name}.>";
        _ackSubscription = _stream.Account.Engine.Internal.Subscribe(_stream.Account.Account, ackSubject, (Accounts.Account _, in InternalMessage m) =>
            _stream.Enqueue(new StreamWork(m.ToReceived(), this)));
        if (IsPush && Config.FlowControl)
        {
            // Answers come on $JS.FC.<stream>.<consumer>.<id>; ProcessAck tells them from acks.
            _fcWindow = FlowControlMaxPending / 16;
            _flowControlSubscription = _stream.Account.Engine.Internal.Subscribe(_stream.Account.Account, $"$JS.FC.{_stream.Name}.{Name}.*", (Accounts.Account _, in InternalMessage m) =>
                _stream.Enqueue(new StreamWork(m.ToReceived(), this)));
        }
    }

    public void UpdateConfig(ConsumerConfig config)
    {
        bool rateChanged = config.RateLimit != Config.RateLimit;
        Config = config;
        if (rateChanged)
        {
            SetRateLimit();
        }

        _store.WriteMetadata(JsonSerializer.SerializeToUtf8Bytes(Config, JsJson.Default.ConsumerConfig));
    }

    /// <summary>Unsubscribes; pull requests still waiting are told the consumer is gone.</summary>
    public void Stop(bool deleted)
    {
        _stopped = true;
        if (_ackSubscription is not null)
        {
            _stream.Account.Engine.Internal.Unsubscribe(_ackSubscription);
        }

        if (_flowControlSubscription is not null)
        {
            _stream.Account.Engine.Internal.Unsubscribe(_flowControlSubscription);
        }

        if (deleted)
        {
            foreach (WaitingRequest wr in _waiting)
            {
                SendStatus(wr.Reply, "NATS/1.0 409 Consumer Deleted\r\n\r\n");
            }

            _waiting.Clear();
        }
    }

    public void DeleteState() => _store.Delete();

    /// <summary>JetStream stops (shutdown, a reload turning it off): unsubscribed, its state flushed and its file closed.</summary>
    public void Close()
    {
        Stop(deleted: false);
        _store.Dispose();
    }

    public ConsumerInfo Info()
    {
        _store.Flush(); // what it shows is on the OS
        var info = new ConsumerInfo
        {
            JsStream = _stream.Name,
            Name = Name,
            Created = Created,
            Config = Config,
            Delivered = new SequenceInfo { Consumer = _dseq, JsStream = DeliveredStreamSequence, LastActive = _lastDeliveryNs > 0 ? JsTime.ToDateTime(_lastDeliveryNs) : null },
            AckFloor = AckNone
                ? new SequenceInfo { Consumer = _ackFloor.ConsumerSequence, JsStream = _ackFloor.StreamSequence }
                : new SequenceInfo { Consumer = _ackFloor.ConsumerSequence, JsStream = _ackFloor.StreamSequence, LastActive = _lastAckNs > 0 ? JsTime.ToDateTime(_lastAckNs) : null },
            NumAckPending = _pending.Count,
            NumRedelivered = _deliveries.Count(d => d.Value > 1),
            NumWaiting = _waiting.Count,
            NumPending = NumPending(exact: true),
            Cluster = JetStreamEngine.ClusterInfo(),
            PushBound = IsPush && HasInterest(),
        };
        return info;
    }

    /// <summary>Whether this consumer still has to see (or have acked) <paramref name="seq"/>: interest retention keeps it until then.</summary>
    public bool NeedsMessage(ulong seq, string subject)
    {
        if (!JsSubject.Matches(subject, Config.FilterSubject))
        {
            return false;
        }

        return seq >= _sseq || _pending.ContainsKey(seq) || _lastPerSubject.Contains(seq);
    }

    public void OnNewMessage()
    {
        TryDeliver();
        _store.Flush();
    }

    /// <summary>Writes the state updates of the stream loop's run (acks processed with deferred flushing).</summary>
    public void FlushState() => _store.Flush();

    public void OnRemoved(ulong seq)
    {
        if (_pending.Remove(seq))
        {
            _deliveries.Remove(seq);
            _redeliver.Remove(seq);
            UpdateAckFloor();
        }
    }

    public void OnPurged(ulong firstSeq)
    {
        if (_sseq < firstSeq)
        {
            _sseq = firstSeq;
        }

        foreach (ulong seq in _pending.Keys.Where(s => s < firstSeq).ToList())
        {
            OnRemoved(seq);
        }

        // nats-server's consumer.purge: the ack floor moves up to just below the new first sequence.
        if (_ackFloor.StreamSequence < firstSeq)
        {
            _ackFloor = new SequencePair(_dseq, firstSeq - 1);
        }

        _store.Replace(Snapshot());
    }

    /// <summary>CONSUMER.MSG.NEXT (or +NXT): queue a pull request and serve it from what is there.</summary>
    public void ProcessNext(string? reply, ReadOnlySpan<byte> body)
    {
        if (reply is null || _stopped)
        {
            return;
        }

        if (IsPush)
        {
            SendStatus(reply, "NATS/1.0 409 Consumer is push based\r\n\r\n");
            return;
        }

        var req = new NextRequest { Batch = 1 };
        string text = Encoding.UTF8.GetString(body).Trim();
        if (text.Length > 0)
        {
            if (text[0] == '{')
            {
                try
                {
                    req = JsonSerializer.Deserialize(text, JsJson.Default.NextRequest) ?? req;
                }
                catch (JsonException ex)
                {
                    SendStatus(reply, $"NATS/1.0 400 Bad Request - {ex.Message}\r\n\r\n");
                    return;
                }
            }
            else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                req.Batch = n;
            }
        }

        if (req.Batch <= 0)
        {
            req.Batch = 1;
        }

        long now = JsTime.NowNs();
        _lastActiveNs = now;
        if (Config.MaxRequestBatch > 0 && req.Batch > Config.MaxRequestBatch)
        {
            SendStatus(reply, $"NATS/1.0 409 Exceeded MaxRequestBatch of {Config.MaxRequestBatch}\r\n\r\n");
            return;
        }

        if (req.NoWait && req.Expires == 0 && NumPending(exact: false) == 0 && _redeliver.Count == 0)
        {
            SendStatus(reply, "NATS/1.0 404 No Messages\r\n\r\n");
            return;
        }

        if (Config.MaxWaiting > 0 && _waiting.Count >= Config.MaxWaiting)
        {
            SendStatus(reply, "NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n");
            return;
        }

        _waiting.AddLast(new WaitingRequest
        {
            Reply = reply,
            Remaining = req.Batch,
            MaxBytes = req.MaxBytes,
            NoWait = req.NoWait,
            ExpiresNs = req.Expires > 0 ? now + req.Expires : 0,
            HeartbeatNs = req.Heartbeat,
            NextHeartbeatNs = req.Heartbeat > 0 ? now + req.Heartbeat : 0,
        });
        TryDeliver();
        _store.Flush();
    }

    /// <summary>A message on $JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&gt;: ack, nak, progress, term or next.</summary>
    /// <param name="deferFlush">The stream's loop flushes the state once for its run (<see cref="FlushState"/>).</param>
    public void ProcessAck(ReceivedMessage m, bool deferFlush = false)
    {
        if (m.Subject.StartsWith("$JS.FC.", StringComparison.Ordinal))
        {
            ProcessFlowControl(m.Subject);
            return;
        }

        // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<dseq>.<ts>.<pending>: split without allocating.
        ReadOnlySpan<char> subject = m.Subject;
        Span<Range> tokens = stackalloc Range[10];
        if (subject.Split(tokens, '.') < 9
            || !ulong.TryParse(subject[tokens[5]], NumberStyles.None, CultureInfo.InvariantCulture, out ulong sseq)
            || !ulong.TryParse(subject[tokens[6]], NumberStyles.None, CultureInfo.InvariantCulture, out ulong dseq))
        {
            return;
        }

        ulong dc = ulong.TryParse(subject[tokens[4]], NumberStyles.None, CultureInfo.InvariantCulture, out ulong d) ? d : 1;

        string body = Encoding.UTF8.GetString(m.Data);
        long now = JsTime.NowNs();
        _lastActiveNs = now;
        bool replied = false;
        if (body.Length == 0 || body.StartsWith("+ACK", StringComparison.Ordinal))
        {
            SampleAck(sseq, dseq, dc, now);
            Ack(sseq, dseq);
        }
        else if (body.StartsWith("-NAK", StringComparison.Ordinal))
        {
            if (_pending.ContainsKey(sseq) && dseq <= _dseq)
            {
                Events.Naked(_stream.Account, _stream.Name, Name, sseq, dseq, dc);
            }

            Nak(sseq, ParseDelay(body), now);
        }
        else if (body.StartsWith("+WPI", StringComparison.Ordinal))
        {
            if (_pending.TryGetValue(sseq, out PendingMessage? p))
            {
                p.DeadlineNs = now + AckWaitNs(_deliveries.GetValueOrDefault(sseq, 1UL));
            }
        }
        else if (body.StartsWith("+TERM", StringComparison.Ordinal))
        {
            Ack(sseq, dseq);
            Events.Terminated(_stream.Account, _stream.Name, Name, sseq, dseq, dc);
        }
        else if (body.StartsWith("+NXT", StringComparison.Ordinal))
        {
            SampleAck(sseq, dseq, dc, now);
            Ack(sseq, dseq);
            ProcessNext(m.Reply, Encoding.UTF8.GetBytes(body.Length > 4 ? body[4..] : ""));
            replied = true;
        }

        if (!replied && m.Reply is not null)
        {
            _store.Flush(); // the ack is on the OS before it is confirmed
            _stream.Account.Engine.Reply(_stream.Account.Account, m.Reply, []); // AckSync / double ack
        }

        TryDeliver();
        if (!deferFlush)
        {
            _store.Flush();
        }
    }

    /// <summary>Redeliveries due, pull expiries and heartbeats, idle ephemerals.</summary>
    public void Tick(long now)
    {
        if (_stopped)
        {
            return;
        }

        foreach (KeyValuePair<ulong, PendingMessage> p in _pending)
        {
            if (p.Value.DeadlineNs <= now && !_redeliver.Contains(p.Key))
            {
                _redeliver.Add(p.Key);
            }
        }

        for (LinkedListNode<WaitingRequest>? node = _waiting.First; node is not null;)
        {
            LinkedListNode<WaitingRequest>? next = node.Next;
            WaitingRequest wr = node.Value;
            if (wr.ExpiresNs > 0 && now >= wr.ExpiresNs)
            {
                SendStatus(wr.Reply, $"NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: {wr.Remaining}\r\nNats-Pending-Bytes: {wr.MaxBytes}\r\n\r\n");
                _waiting.Remove(node);
            }
            else if (wr.HeartbeatNs > 0 && now >= wr.NextHeartbeatNs)
            {
                SendStatus(wr.Reply, HeartbeatHeader());
                wr.NextHeartbeatNs = now + wr.HeartbeatNs;
            }

            node = next;
        }

        if (IsPush && Config.Heartbeat > 0 && now - Math.Max(_lastDeliveryNs, _idleSinceNs) >= Config.Heartbeat && HasInterest())
        {
            string hb = HeartbeatHeader();
            if (_fcId is not null)
            {
                // Stalled on flow control: nats-server names the request so a client can answer it.
                hb = $"{hb[..^2]}Nats-Consumer-Stalled: {_fcId}\r\n\r\n";
            }

            SendTo(Config.DeliverSubject!, null, Encoding.UTF8.GetBytes(hb), default);
            _idleSinceNs = now;
        }

        TryDeliver();
        _store.Flush();
        if (IsIdleTooLong(now))
        {
            _stream.Account.Engine.DeleteConsumerLater(_stream, this);
        }
    }

    private bool IsIdleTooLong(long now)
    {
        long threshold = Config.InactiveThreshold > 0 ? Config.InactiveThreshold : IsDurable ? 0 : DefaultEphemeralIdleNs;
        if (threshold <= 0)
        {
            return false;
        }

        bool active = IsPush ? HasInterest() : _waiting.Count > 0;
        if (active)
        {
            _lastActiveNs = now;
            return false;
        }

        return now - Math.Max(_lastActiveNs, Math.Max(_lastDeliveryNs, JsTime.ToNs(Created))) >= threshold;
    }

    private void SetStartPosition()
    {
        StreamStoreState s = _stream.Store.State;
        switch (Config.DeliverPolicy)
        {
            case "last":
                _sseq = _stream.Store.TryLoadLast(Filter, out StoredMessage last) ? last.Sequence : s.LastSequence + 1;
                break;
            case "new":
                _sseq = s.LastSequence + 1;
                break;
            case "by_start_sequence":
                _sseq = Math.Max(Config.OptStartSeq, 1);
                break;
            case "by_start_time":
                long t = Config.OptStartTime is { } st ? JsTime.ToNs(st) : 0;
                _sseq = s.LastSequence + 1;
                for (ulong seq = s.FirstSequence; _stream.Store.TryLoadNext(Filter, seq, out StoredMessage m); seq = m.Sequence + 1)
                {
                    if (m.TimestampNs >= t)
                    {
                        _sseq = m.Sequence;
                        break;
                    }
                }

                break;
            case "last_per_subject":
                List<ulong> lasts = [];
                foreach (string subject in _stream.Store.SubjectTotals(Filter.Length == 0 ? ">" : Filter).Keys)
                {
                    if (_stream.Store.TryLoadLast(subject, out StoredMessage lm))
                    {
                        lasts.Add(lm.Sequence);
                    }
                }

                lasts.Sort();
                foreach (ulong seq in lasts)
                {
                    _lastPerSubject.Enqueue(seq);
                }

                _sseq = s.LastSequence + 1;
                break;
            default:
                _sseq = Math.Max(s.FirstSequence, 1);
                break;
        }

        // nats-server 2.9.10 reads its fresh stored state (ack floor 0/0) over the start position it picked,
        // so a new consumer shows ack_floor 0/0 until its first ack (or delivery, with ack none).
        _ackFloor = default;
    }

    /// <summary>Delivers while there is a message and someone to take it (interest, a waiting request, room under max_ack_pending).</summary>
    private void TryDeliver()
    {
        if (_stopped)
        {
            return;
        }

        long now = JsTime.NowNs();
        if (now < _resumeAtNs)
        {
            return;
        }

        while (true)
        {
            WaitingRequest? wr = null;
            if (IsPush)
            {
                if (!HasInterest() || (_fcWindow > 0 && _fcPendingBytes > _fcWindow))
                {
                    break;
                }
            }
            else
            {
                if (_waiting.First is null)
                {
                    break;
                }

                wr = _waiting.First.Value;
            }

            bool redelivery = _redeliver.Count > 0;
            if (!redelivery && !AckNone && Config.MaxAckPending > 0 && _pending.Count >= Config.MaxAckPending)
            {
                break;
            }

            if (!TryNext(out StoredMessage m, out ulong dc, out Action undo))
            {
                break;
            }

            int size = m.Subject.Length + m.Header.Length + m.Data.Length;
            if (wr is not null && wr.MaxBytes > 0 && size > wr.MaxBytes)
            {
                undo();
                SendStatus(wr.Reply, $"NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: {wr.Remaining}\r\nNats-Pending-Bytes: {wr.MaxBytes}\r\n\r\n");
                _waiting.RemoveFirst();
                continue;
            }

            string reply = $"$JS.ACK.{_stream.Name}.{Name}.{dc}.{m.Sequence}.{_dseq + 1}.{m.TimestampNs}.{NumPending(exact: false)}";
            if (MustWait(m, m.Subject.Length + reply.Length + m.Header.Length + m.Data.Length, now))
            {
                undo();
                return; // not the end of what there is: no-wait requests stay until it is delivered
            }

            Deliver(m, dc, wr?.Reply ?? Config.DeliverSubject!, reply, now);
            if (wr is not null)
            {
                wr.Remaining--;
                wr.Delivered++;
                if (wr.MaxBytes > 0)
                {
                    wr.MaxBytes -= size;
                }

                if (wr.HeartbeatNs > 0)
                {
                    wr.NextHeartbeatNs = now + wr.HeartbeatNs;
                }

                if (wr.Remaining <= 0)
                {
                    _waiting.RemoveFirst();
                }
            }
        }

        if (_replaying && _sseq > _replayUntilSeq)
        {
            _replaying = false; // caught up: from here on as instant (nats-server)
        }

        // Nothing more for now: no-wait requests end here.
        for (LinkedListNode<WaitingRequest>? node = _waiting.First; node is not null;)
        {
            LinkedListNode<WaitingRequest>? next = node.Next;
            WaitingRequest w = node.Value;
            if (w.NoWait)
            {
                SendStatus(w.Reply, w.Delivered > 0
                    ? $"NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: {w.Remaining}\r\nNats-Pending-Bytes: {w.MaxBytes}\r\n\r\n"
                    : "NATS/1.0 404 No Messages\r\n\r\n");
                _waiting.Remove(node);
            }

            node = next;
        }
    }

    private bool TryNext(out StoredMessage message, out ulong deliveryCount, out Action undo)
    {
        while (_redeliver.Count > 0)
        {
            ulong seq = _redeliver.Min;
            _redeliver.Remove(seq);
            if (!_pending.ContainsKey(seq))
            {
                continue;
            }

            if (Config.MaxDeliver > 0 && _deliveries.GetValueOrDefault(seq, 1UL) >= (ulong)Config.MaxDeliver)
            {
                GiveUp(seq);
                continue;
            }

            if (!_stream.Store.TryLoad(seq, out message))
            {
                OnRemoved(seq);
                continue;
            }

            deliveryCount = _deliveries.GetValueOrDefault(seq, 1UL) + 1;
            undo = () => _redeliver.Add(seq);
            return true;
        }

        while (_lastPerSubject.Count > 0)
        {
            ulong seq = _lastPerSubject.Peek();
            if (_stream.Store.TryLoad(seq, out message))
            {
                _lastPerSubject.Dequeue();
                deliveryCount = 1;
                ulong previous = _lastPerSubjectDelivered;
                _lastPerSubjectDelivered = seq;
                undo = () =>
                {
                    RequeueFront(seq);
                    _lastPerSubjectDelivered = previous;
                };
                return true;
            }

            _lastPerSubject.Dequeue();
        }

        ulong before = _sseq;
        if (_stream.Store.TryLoadNext(Filter, _sseq, out message))
        {
            _sseq = message.Sequence + 1;
            deliveryCount = 1;
            undo = () => _sseq = before;
            return true;
        }

        deliveryCount = 0;
        undo = static () => { };
        return false;
    }

    private Advisories.JsAdvisories Events => _stream.Account.Engine.Advisories;

    /// <summary>An explicit ack of a pending message, sampled for $JS.EVENT.METRIC.CONSUMER.ACK when sample_freq is set.</summary>
    private void SampleAck(ulong sseq, ulong dseq, ulong dc, long now)
    {
        if (Config.SampleFrequency is not null && Config.AckPolicy == "explicit" && _pending.TryGetValue(sseq, out PendingMessage? p))
        {
            Events.AckSample(_stream.Account, _stream.Name, Name, Config.SampleFrequency, sseq, dseq, dc, now - p.DeliveredNs);
        }
    }

    /// <summary>Due again after max_deliver deliveries: nats-server stops tracking it and says so once on MAX_DELIVERIES.</summary>
    private void GiveUp(ulong seq)
    {
        _pending.Remove(seq);
        Events.MaxDeliveries(_stream.Account, _stream.Name, Name, seq, _deliveries.GetValueOrDefault(seq, 1UL));
        _deliveries.Remove(seq);
    }

    private void RequeueFront(ulong seq)
    {
        ulong[] rest = [.. _lastPerSubject];
        _lastPerSubject.Clear();
        _lastPerSubject.Enqueue(seq);
        foreach (ulong s in rest)
        {
            _lastPerSubject.Enqueue(s);
        }
    }

    /// <summary>Whether <paramref name="m"/> has to wait for its replay gap or for the rate limit; sets when to try again.</summary>
    /// <param name="size">nats-server's size for the rate limit: subject, ack reply, header and data.</param>
    private bool MustWait(StoredMessage m, int size, long now)
    {
        if (_replaying && _replayLastTs > 0 && m.TimestampNs - _replayLastTs > ReplayMinGapNs)
        {
            long due = _replayLastDeliveryNs + (m.TimestampNs - _replayLastTs);
            if (now < due)
            {
                _resumeAtNs = due;
                return true;
            }
        }

        if (_rateBytesPerNs > 0)
        {
            _rateTokens = Math.Min(_rateBurst, _rateTokens + ((now - _rateLastNs) * _rateBytesPerNs));
            _rateLastNs = now;

            // nats-server's limiter refuses a message above the burst for ever (the consumer stalls); we let it through at the burst's cost.
            int cost = Math.Min(size, _rateBurst);
            if (_rateTokens < cost)
            {
                _resumeAtNs = now + (long)Math.Ceiling((cost - _rateTokens) / _rateBytesPerNs);
                return true;
            }

            _rateTokens -= cost;
        }

        if (_replaying)
        {
            _replayLastTs = m.TimestampNs;
            _replayLastDeliveryNs = now;
        }

        return false;
    }

    /// <summary>nats-server's setRateLimit: bytes per second from bits, the burst the largest message the stream takes (stream, account, server).</summary>
    private void SetRateLimit()
    {
        if (Config.RateLimit == 0 || !IsPush)
        {
            _rateBytesPerNs = 0;
            return;
        }

        _rateBytesPerNs = Math.Max(Config.RateLimit / 8, 1) / 1e9;
        int accountPayload = _stream.Account.Account.Limits.MaxPayload; // the account's limits { max_payload } comes before the server's
        _rateBurst = _stream.Config.MaxMsgSize > 0 ? _stream.Config.MaxMsgSize : accountPayload > 0 ? accountPayload : _stream.Account.Engine.MaxPayload;
        _rateTokens = _rateBurst;
        _rateLastNs = JsTime.NowNs();
    }

    /// <summary>An answer on $JS.FC.&lt;stream&gt;.&lt;consumer&gt;.&lt;id&gt;: only the latest request counts; the window grows.</summary>
    private void ProcessFlowControl(string subject)
    {
        if (subject != _fcId)
        {
            return;
        }

        _fcWindow = Math.Min(_fcWindow * 2, FlowControlMaxPending);
        _fcPendingBytes = Math.Max(_fcPendingBytes - _fcSize, 0);
        _fcId = null;
        _fcSize = 0;
        TryDeliver();
        _store.Flush();
    }

    /// <summary>nats-server's needFlowControl: a request when over half the window and none is out.</summary>
    private void CheckFlowControl(int size)
    {
        if (_fcId is null)
        {
            if (_fcPendingBytes > _fcWindow / 2)
            {
                _fcId = $"$JS.FC.{_stream.Name}.{Name}.{RandomToken()}";
                _fcSize = _fcPendingBytes;
                SendTo(Config.DeliverSubject!, _fcId, "NATS/1.0 100 FlowControl Request\r\n\r\n"u8, default);
            }
        }
        else if (_fcPendingBytes - _fcSize >= _fcWindow)
        {
            _fcSize += size;
        }
    }

    private static string RandomToken()
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        return string.Create(4, 0, static (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = digits[Random.Shared.Next(digits.Length)];
            }
        });
    }

    private void Deliver(StoredMessage m, ulong dc, string to, string reply, long now)
    {
        _dseq++;
        _lastDeliveryNs = now;
        _lastDeliveredStreamSeq = m.Sequence;
        if (!AckNone)
        {
            if (!_pending.TryGetValue(m.Sequence, out PendingMessage? p))
            {
                _pending[m.Sequence] = p = new PendingMessage();
                if (_minPending == 0 ? _pending.Count == 1 : m.Sequence < _minPending)
                {
                    _minPending = m.Sequence;
                }
            }

            p.ConsumerSequence = _dseq;
            p.DeliveredNs = now;
            p.DeadlineNs = now + AckWaitNs(dc);
            _deliveries[m.Sequence] = dc;
        }
        else
        {
            _ackFloor = new SequencePair(_dseq, m.Sequence); // nothing to ack: delivered is acknowledged
        }

        _store.UpdateDelivered(_dseq, m.Sequence, dc, now);
        int size;
        if (Config.HeadersOnly)
        {
            byte[] hdr = JsHeaders.Append(m.Header.Span, $"Nats-Msg-Size: {m.Data.Length}");
            SendTo(to, reply, hdr, default, m.Subject);
            size = hdr.Length;
        }
        else
        {
            SendTo(to, reply, m.Header.Span, m.Data.Span, m.Subject);
            size = m.Header.Length + m.Data.Length;
        }

        if (_fcWindow > 0)
        {
            // nats-server counts the deliver subject, the reply, header and data.
            size += to.Length + reply.Length;
            _fcPendingBytes += size;
            CheckFlowControl(size);
        }
    }

    /// <summary>
    /// CONSUMER.INFO's delivered.stream_seq. While the starting last-per-subject set is delivered,
    /// nats-server's stream position walks through it: the last of them delivered, or the first
    /// minus one before any; after it, the position past the stream's end at the start.
    /// </summary>
    private ulong DeliveredStreamSequence =>
        _lastPerSubject.Count == 0 ? (_sseq > 0 ? _sseq - 1 : 0)
        : _lastPerSubjectDelivered > 0 ? _lastPerSubjectDelivered
        : _lastPerSubject.Peek() - 1;

    private void Ack(ulong sseq, ulong dseq)
    {
        if (AckNone)
        {
            return;
        }

        // nats-server's updateAcks stamps the ack floor's last_active on every explicit ack (and on
        // an ack-all past the floor), whether the floor moves or not.
        if (Config.AckPolicy != "all" || sseq > _ackFloor.StreamSequence)
        {
            _lastAckNs = JsTime.NowNs();
        }

        List<ulong> acked = [];
        if (Config.AckPolicy == "all")
        {
            acked.AddRange(_pending.Keys.Where(s => s <= sseq));
        }
        else if (_pending.ContainsKey(sseq))
        {
            acked.Add(sseq);
        }

        foreach (ulong seq in acked)
        {
            PendingMessage p = _pending[seq];
            _pending.Remove(seq);
            _deliveries.Remove(seq);
            _redeliver.Remove(seq);
            _store.UpdateAcks(p.ConsumerSequence, seq);
        }

        UpdateAckFloor();
        foreach (ulong seq in acked)
        {
            _stream.OnAcked(this, seq);
        }
    }

    private void Nak(ulong sseq, long delayNs, long now)
    {
        if (!_pending.TryGetValue(sseq, out PendingMessage? p))
        {
            return;
        }

        if (delayNs > 0)
        {
            p.DeadlineNs = now + delayNs;
        }
        else
        {
            _redeliver.Add(sseq);
        }
    }

    private void UpdateAckFloor()
    {
        if (_pending.Count == 0)
        {
            _ackFloor = new SequencePair(_dseq, _sseq > 0 ? _sseq - 1 : 0);
            return;
        }

        if (_minPending == 0 || !_pending.ContainsKey(_minPending))
        {
            _minPending = NextPendingAfter(_minPending);
        }

        _ackFloor = new SequencePair(_pending[_minPending].ConsumerSequence - 1, _minPending - 1);
    }

    /// <summary>The smallest pending sequence, all of which are above <paramref name="gone"/> (the old smallest, or 0).</summary>
    private ulong NextPendingAfter(ulong gone)
    {
        if (gone != 0)
        {
            // Acks mostly come in order: the next pending one is just above; look a bounded way, then scan.
            ulong limit = gone + 64 + (ulong)_pending.Count;
            for (ulong seq = gone + 1; seq < limit; seq++)
            {
                if (_pending.ContainsKey(seq))
                {
                    return seq;
                }
            }
        }

        return _pending.Keys.Min();
    }

    private ConsumerState Snapshot()
    {
        var state = new ConsumerState
        {
            Delivered = new SequencePair(_dseq, _sseq > 0 ? _sseq - 1 : 0),
            AckFloor = _ackFloor,
        };
        foreach (KeyValuePair<ulong, PendingMessage> p in _pending)
        {
            state.Pending[p.Key] = new PendingDelivery(p.Value.ConsumerSequence, p.Value.DeliveredNs);
            if (_deliveries.GetValueOrDefault(p.Key, 1UL) > 1)
            {
                state.Redelivered[p.Key] = _deliveries[p.Key] - 1;
            }
        }

        return state;
    }

    private ulong NumPending(bool exact)
    {
        ulong n = (ulong)_lastPerSubject.Count;
        StreamStoreState s = _stream.Store.State;
        if (_sseq > s.LastSequence)
        {
            return n;
        }

        if (!exact && JsSubject.IsAll(Config.FilterSubject))
        {
            ulong from = Math.Max(_sseq, s.FirstSequence);
            return n + Math.Min(s.Messages, s.LastSequence - from + 1);
        }

        return n + _stream.Store.NumPending(_sseq, Filter, lastPerSubject: false);
    }

    private long AckWaitNs(ulong deliveryCount)
    {
        if (Config.BackOff is { Count: > 0 } backoff)
        {
            int i = (int)Math.Min(deliveryCount - 1, (ulong)backoff.Count - 1);
            return backoff[i];
        }

        return Config.AckWait > 0 ? Config.AckWait : TimeSpan.FromSeconds(30).Ticks * 100;
    }

    private static long ParseDelay(string body)
    {
        int i = body.IndexOf("\"delay\"", StringComparison.Ordinal);
        if (i < 0)
        {
            return 0;
        }

        ReadOnlySpan<char> rest = body.AsSpan(i + 7).TrimStart().TrimStart(':').TrimStart();
        int end = 0;
        while (end < rest.Length && char.IsAsciiDigit(rest[end]))
        {
            end++;
        }

        return long.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out long ns) ? ns : 0;
    }

    private string HeartbeatHeader() => $"NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: {_dseq}\r\nNats-Last-Stream: {_lastDeliveredStreamSeq}\r\n\r\n";

    private bool HasInterest() => _deliverSubjectBytes is not null && !_stream.Account.Account.Sublist.Match(_deliverSubjectBytes).IsEmpty;

    private void SendStatus(string to, string header) => SendTo(to, null, Encoding.ASCII.GetBytes(header), default);

    /// <summary>Sends to the deliver subject or a pull inbox; a stored message keeps its own subject in the MSG line.</summary>
    private void SendTo(string to, string? reply, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, string? storedSubject = null)
    {
        if (storedSubject is null)
        {
            _stream.Account.Engine.Internal.Publish(_stream.Account.Account, to, reply, data, header);
        }
        else
        {
            _stream.Account.Engine.Internal.Deliver(_stream.Account.Account, to, storedSubject, reply, data, header);
        }
    }
}
