using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Consumers;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// One stream: its config, its store and its consumers. Captured publishes and consumer acks are
/// queued by the publisher's read loop and applied by the stream's own loop; API requests and the
/// timer take <see cref="Lock"/> like the loop does, so everything that changes the stream is serial
/// (the shape a replicated log would later feed).
/// </summary>
internal sealed class JsStream
{
    private readonly Channel<StreamWork> _work = Channel.CreateUnbounded<StreamWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<InternalSubscriber> _subscriptions = [];
    private readonly Dictionary<string, Consumer> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ulong Seq, long Ts)> _dedupe = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, long Ts)> _dedupeOrder = new();
    private string? _lastMsgId;
    private Task? _loop;

    public JsStream(JsAccount account, StreamConfig config, IStreamStore store, DateTime created)
    {
        Account = account;
        Config = config;
        Store = store;
        Created = created;
        Store.Removed = OnStoreRemoved;
    }

    public Lock Lock { get; } = new();

    public JsAccount Account { get; }

    public string Name => Config.Name;

    public StreamConfig Config { get; private set; }

    public IStreamStore Store { get; }

    public DateTime Created { get; }

    public bool Deleted { get; private set; }

    public IEnumerable<Consumer> Consumers
    {
        get
        {
            lock (Lock)
            {
                return [.. _consumers.Values];
            }
        }
    }

    public int ConsumerCount
    {
        get
        {
            lock (Lock)
            {
                return _consumers.Count;
            }
        }
    }

    /// <summary>Subscribes the stream's subjects (capture) and starts its loop.</summary>
    public void Start()
    {
        _loop = Task.Run(LoopAsync);
        Subscribe();
    }

    public void Stop()
    {
        Unsubscribe();
        _work.Writer.TryComplete();
    }

    public void Enqueue(StreamWork work) => _work.Writer.TryWrite(work);

    public Consumer? FindConsumer(string name)
    {
        lock (Lock)
        {
            return _consumers.GetValueOrDefault(name);
        }
    }

    public void AddConsumer(Consumer consumer)
    {
        lock (Lock)
        {
            _consumers[consumer.Name] = consumer;
        }
    }

    public void RemoveConsumer(Consumer consumer)
    {
        lock (Lock)
        {
            _consumers.Remove(consumer.Name);
            if (Config.Retention == "interest")
            {
                ApplyInterestAfterConsumerGone();
            }
        }
    }

    /// <summary>Applies an updated config (UPDATE): limits to the store, subjects re-subscribed.</summary>
    public void Update(StreamConfig config)
    {
        lock (Lock)
        {
            bool subjectsChanged = !(Config.Subjects ?? []).SequenceEqual(config.Subjects ?? []);
            Config = config;
            Store.UpdateLimits(LimitsOf(config));
            Store.WriteMetadata(JsonSerializer.SerializeToUtf8Bytes(config, JsJson.Default.StreamConfig));
            if (subjectsChanged)
            {
                Unsubscribe();
                Subscribe();
            }
        }
    }

    public void Delete()
    {
        lock (Lock)
        {
            Deleted = true;
            foreach (Consumer c in _consumers.Values)
            {
                c.Stop(deleted: true);
            }

            _consumers.Clear();
        }

        Stop();
        Store.Delete();
    }

    public static StreamStoreLimits LimitsOf(StreamConfig c) =>
        new(c.MaxMsgs, c.MaxBytes, TimeSpan.FromTicks(c.MaxAge / 100), c.MaxMsgsPerSubject);

    public StreamInfo Info(string? subjectsFilter = null)
    {
        lock (Lock)
        {
            StreamStoreState s = Store.State;
            var state = new StreamState
            {
                Messages = s.Messages,
                Bytes = s.Bytes,
                FirstSeq = s.LastSequence == 0 ? 0 : s.FirstSequence, // nats-server shows 0 until the first message
                FirstTime = JsTime.ToDateTime(s.FirstTimestampNs),
                LastSeq = s.LastSequence,
                LastTime = JsTime.ToDateTime(s.LastTimestampNs),
                NumSubjects = s.NumSubjects,
                NumDeleted = s.NumDeleted,
                Consumers = _consumers.Count,
            };
            if (!string.IsNullOrEmpty(subjectsFilter))
            {
                Dictionary<string, ulong> totals = new(Store.SubjectTotals(subjectsFilter), StringComparer.Ordinal);
                state.Subjects = totals.Count > 0 ? totals : null;
            }

            return new StreamInfo
            {
                Config = Config,
                Created = Created,
                State = state,
                Domain = Account.Engine.Domain,
                Cluster = JetStreamEngine.ClusterInfo(),
            };
        }
    }

    /// <summary>Purges (honouring deny_purge at the API) and moves the consumers past what went.</summary>
    public ulong Purge(string? subject, ulong upTo, ulong keep)
    {
        lock (Lock)
        {
            ulong purged = Store.Purge(subject, upTo, keep);
            ulong first = Store.State.FirstSequence;
            foreach (Consumer c in _consumers.Values)
            {
                c.OnPurged(first);
            }

            return purged;
        }
    }

    /// <summary>Periodic work: age limit, consumers' redeliveries, expiries and heartbeats.</summary>
    public void Tick(long nowNs)
    {
        if (Config.MaxAge > 0)
        {
            Store.ExpireByAge(nowNs);
        }

        lock (Lock)
        {
            foreach (Consumer c in _consumers.Values.ToList())
            {
                c.Tick(nowNs);
            }
        }
    }

    /// <summary>A consumer acknowledged (or terminated) <paramref name="seq"/>: work-queue and interest streams drop it when nobody else needs it.</summary>
    public void OnAcked(Consumer by, ulong seq)
    {
        if (Config.Retention == "limits")
        {
            return;
        }

        if (Config.Retention == "workqueue")
        {
            Store.Remove(seq);
            return;
        }

        if (!Store.TryLoad(seq, out StoredMessage m))
        {
            return;
        }

        foreach (Consumer c in _consumers.Values)
        {
            if (c != by && c.NeedsMessage(seq, m.Subject))
            {
                return;
            }
        }

        Store.Remove(seq);
    }

    private void ApplyInterestAfterConsumerGone()
    {
        ulong seq = Store.State.FirstSequence;
        while (Store.TryLoadNext(">", seq, out StoredMessage m))
        {
            if (!_consumers.Values.Any(c => c.NeedsMessage(m.Sequence, m.Subject)))
            {
                Store.Remove(m.Sequence);
            }

            seq = m.Sequence + 1;
        }
    }

    private void Subscribe()
    {
        Account acct = Account.Account;
        foreach (string subject in Config.Subjects ?? [Name])
        {
            _subscriptions.Add(Account.Engine.Internal.Subscribe(acct, subject, (Account _, in InternalMessage m) =>
                Enqueue(new StreamWork(m.ToReceived(), null))));
        }
    }

    private void Unsubscribe()
    {
        foreach (InternalSubscriber sub in _subscriptions)
        {
            Account.Engine.Internal.Unsubscribe(sub);
        }

        _subscriptions.Clear();
    }

    private async Task LoopAsync()
    {
        ChannelReader<StreamWork> reader = _work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out StreamWork work))
            {
                try
                {
                    if (work.AckFor is { } consumer)
                    {
                        lock (Lock)
                        {
                            consumer.ProcessAck(work.Message);
                        }
                    }
                    else
                    {
                        ProcessInbound(work.Message);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    Account.Engine.Log.Error($"JetStream stream '{Name}': {ex.Message}");
                }
            }
        }
    }

    /// <summary>nats-server's processJetStreamMsg: checks in its order, append, ack, wake the consumers.</summary>
    private void ProcessInbound(ReceivedMessage m)
    {
        lock (Lock)
        {
            if (Deleted)
            {
                return;
            }

            if (m.Data.Length == 0 && m.Header is { } h && Encoding.ASCII.GetString(h, 0, Math.Min(h.Length, 13)) == "NATS/1.0 100 ")
            {
                return; // heartbeats and flow control are never stored
            }

            string? reply = m.Reply;
            ReadOnlySpan<byte> hdr = m.Header;
            if (Config.Sealed)
            {
                Fail(reply, JsErrors.StreamSealedErr);
                return;
            }

            string? msgId = null;
            bool rollupSubject = false, rollupAll = false;
            if (!hdr.IsEmpty)
            {
                if (JsHeaders.Get(hdr, JsHeaders.ExpectedStream) is { Length: > 0 } expected && expected != Name)
                {
                    Fail(reply, JsErrors.StreamNotMatchErr);
                    return;
                }

                msgId = JsHeaders.Get(hdr, JsHeaders.MsgId);
                if (!string.IsNullOrEmpty(msgId) && _dedupe.TryGetValue(msgId, out (ulong Seq, long Ts) dup)
                    && JsTime.NowNs() - dup.Ts <= Config.DuplicateWindow)
                {
                    if (reply is not null)
                    {
                        Account.Engine.Reply(Account.Account, reply, Encoding.UTF8.GetBytes($"{{\"stream\":\"{Name}\",{DomainPart()}\"seq\":{dup.Seq},\"duplicate\": true}}"));
                    }

                    return;
                }

                if (JsHeaders.Get(hdr, JsHeaders.ExpectedLastSubjectSeq) is { } perSubject && ulong.TryParse(perSubject, out ulong wantSubject))
                {
                    ulong have = Store.TryLoadLast(m.Subject, out StoredMessage last) ? last.Sequence : 0;
                    if (have != wantSubject)
                    {
                        Fail(reply, JsErrors.StreamWrongLastSequenceErrF.With(have));
                        return;
                    }
                }

                if (JsHeaders.Get(hdr, JsHeaders.ExpectedLastSeq) is { } lastSeq && ulong.TryParse(lastSeq, out ulong wantLast))
                {
                    ulong have = Store.State.LastSequence;
                    if (have != wantLast)
                    {
                        Fail(reply, JsErrors.StreamWrongLastSequenceErrF.With(have));
                        return;
                    }
                }

                if (JsHeaders.Get(hdr, JsHeaders.ExpectedLastMsgId) is { Length: > 0 } lastId && lastId != _lastMsgId)
                {
                    Fail(reply, JsErrors.StreamWrongLastMsgIDErrF.With(_lastMsgId ?? ""));
                    return;
                }

                if (JsHeaders.Get(hdr, JsHeaders.Rollup) is { Length: > 0 } rollup)
                {
                    if (!Config.AllowRollup || Config.DenyPurge)
                    {
                        Fail(reply, JsErrors.StreamRollupFailedF.With("rollup not permitted"));
                        return;
                    }

                    rollupSubject = rollup == "sub";
                    rollupAll = rollup == "all";
                    if (!rollupSubject && !rollupAll)
                    {
                        return; // nats-server drops it without an answer
                    }
                }
            }

            if (Config.MaxMsgSize >= 0 && hdr.Length + m.Data.Length > Config.MaxMsgSize)
            {
                Fail(reply, JsErrors.StreamMessageExceedsMaximumErr);
                return;
            }

            if (hdr.Length > ushort.MaxValue)
            {
                Fail(reply, JsErrors.StreamHeaderExceedsMaximumErr);
                return;
            }

            if (Config.Discard == "new" && DiscardNewRefuses(m, hdr.Length) is { } refused)
            {
                Fail(reply, JsErrors.StreamStoreFailedF.With(refused));
                return;
            }

            if (JsLimits.CheckServerBeforeStore(this) is { } full)
            {
                Fail(reply, full);
                return;
            }

            (ulong seq, long ts) = Store.Append(m.Subject, hdr, m.Data);
            if (JsLimits.AccountOverAfterStore(this) && Store.Remove(seq))
            {
                Fail(reply, JsErrors.AccountResourcesExceededErr); // nats-server stores, finds the account over, takes it out
                return;
            }
            if (!string.IsNullOrEmpty(msgId))
            {
                _lastMsgId = msgId;
                if (Config.DuplicateWindow > 0)
                {
                    _dedupe[msgId] = (seq, ts);
                    _dedupeOrder.Enqueue((msgId, ts));
                }
            }

            TrimDedupe(ts);
            if (rollupSubject)
            {
                Store.Purge(m.Subject, seq, 0);
            }
            else if (rollupAll)
            {
                Store.Purge(null, seq, 0);
            }

            if (reply is not null && !Config.NoAck)
            {
                Account.Engine.Reply(Account.Account, reply, Encoding.UTF8.GetBytes($"{{\"stream\":\"{Name}\",{DomainPart()}\"seq\":{seq}}}"));
            }

            if (Config.Retention == "interest" && !_consumers.Values.Any(c => c.NeedsMessage(seq, m.Subject)))
            {
                Store.Remove(seq);
                return;
            }

            foreach (Consumer c in _consumers.Values)
            {
                c.OnNewMessage();
            }
        }
    }

    private string DomainPart() => Account.Engine.Domain is { } d ? $"\"domain\":\"{d}\"," : "";

    private string? DiscardNewRefuses(ReceivedMessage m, int headerLength)
    {
        StreamStoreState s = Store.State;
        if (Config.MaxMsgs > 0 && s.Messages >= (ulong)Config.MaxMsgs)
        {
            return "maximum messages exceeded";
        }

        if (Config.MaxBytes > 0 && s.Bytes + MemoryStreamStore.SizeOf(m.Subject, headerLength, m.Data.Length) > (ulong)Config.MaxBytes)
        {
            return "maximum bytes exceeded";
        }

        if (Config.DiscardNewPerSubject && Config.MaxMsgsPerSubject > 0
            && Store.SubjectTotals(m.Subject).GetValueOrDefault(m.Subject) >= (ulong)Config.MaxMsgsPerSubject)
        {
            return "maximum messages per subject exceeded";
        }

        return null;
    }

    private void TrimDedupe(long nowNs)
    {
        while (_dedupeOrder.TryPeek(out (string Id, long Ts) oldest) && nowNs - oldest.Ts > Config.DuplicateWindow)
        {
            _dedupeOrder.Dequeue();
            if (_dedupe.TryGetValue(oldest.Id, out (ulong Seq, long Ts) entry) && entry.Ts == oldest.Ts)
            {
                _dedupe.Remove(oldest.Id);
            }
        }
    }

    private void Fail(string? reply, JsApiError error)
    {
        if (reply is not null)
        {
            var ack = new PubAck { Error = error, JsStream = Name };
            Account.Engine.Reply(Account.Account, reply, JsonSerializer.SerializeToUtf8Bytes(ack, JsJson.Default.PubAck));
        }
    }

    private void OnStoreRemoved(ulong seq, string subject)
    {
        // Limits removed a message: consumers forget it (it will not be redelivered).
        lock (Lock)
        {
            foreach (Consumer c in _consumers.Values)
            {
                c.OnRemoved(seq);
            }
        }
    }
}
