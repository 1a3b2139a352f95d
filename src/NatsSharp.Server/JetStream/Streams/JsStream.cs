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
internal sealed partial class JsStream
{
    private readonly Channel<StreamWork> _work = Channel.CreateUnbounded<StreamWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<InternalSubscriber> _subscriptions = [];
    private readonly Dictionary<string, Consumer> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ulong Seq, long Ts)> _dedupe = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, long Ts)> _dedupeOrder = new();
    private readonly StreamReplies _replies;
    private readonly Connections.DeliveryBatch _replyBatch;
    private string? _lastMsgId;
    private string? _lastSubject; // the capture's subject string, reused while publishes repeat it
    private bool _appended;
    private Task? _loop;

    // A run of queued publishes is committed (one write, then the acks) at least this often.
    private const int MaxRun = 1024;

    // Capture buffers up to this size come from the stream's pool; larger ones are plain allocations.
    private const int MaxPooledCapture = 8 * 1024;

    // The stream's own pool for captured publishes: rented on the publisher's thread, returned by the loop
    // with an ack window in flight. ArrayPool.Shared caches per thread and per core (a few dozen buffers),
    // so the renting side would find it empty and allocate; this one keeps two runs' worth per size,
    // filled only as far as publishes were ever in flight.
    private readonly System.Buffers.ArrayPool<byte> _capturePool = System.Buffers.ArrayPool<byte>.Create(MaxPooledCapture, 2 * MaxRun);

    public JsStream(JsAccount account, StreamConfig config, IStreamStore store, DateTime created)
    {
        Account = account;
        Config = config;
        Store = store;
        Created = created;
        Store.Removed = OnStoreRemoved;
        _replies = new StreamReplies(StreamReplies.AckPrefix(config.Name, account.Engine.Domain));
        _replyBatch = account.Engine.Internal.CreateBatch();
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
        StartSources();
    }

    public void Stop()
    {
        Unsubscribe();
        StopSources();
        _work.Writer.TryComplete();
    }

    /// <summary>
    /// JetStream stops: no more captures, the queued work applied and acknowledged (the loop's last
    /// commit), then the consumers and the store flushed and closed, so a later start reopens them whole.
    /// </summary>
    public async Task CloseAsync()
    {
        Stop();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        lock (Lock)
        {
            foreach (Consumer c in _consumers.Values)
            {
                c.Close();
            }
        }

        Store.Dispose();
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

            UpdateSources(config);
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
                Consumers = _consumers.Values.Count(c => !c.Config.Direct), // nats-server counts no direct consumer here
            };
            if (!string.IsNullOrEmpty(subjectsFilter))
            {
                Dictionary<string, ulong> totals = new(Store.SubjectTotals(subjectsFilter), StringComparer.Ordinal);
                state.Subjects = totals.Count > 0 ? totals : null;
            }

            var info = new StreamInfo
            {
                Config = Config,
                Created = Created,
                State = state,
                Domain = Account.Engine.Domain,
                Cluster = JetStreamEngine.ClusterInfo(),
            };
            FillSourceInfo(info);
            return info;
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
        SchedulePump();
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
        foreach (string subject in Config.Subjects ?? [])
        {
            _subscriptions.Add(Account.Engine.Internal.Subscribe(acct, subject, (Account _, in InternalMessage m) => Capture(m)));
        }
    }

    /// <summary>
    /// On the publisher's read loop: copies reply, header and data into one buffer from the stream's pool
    /// (returned by the loop) and reuses the subject's string when it is the one seen last: no allocation
    /// per publish.
    /// </summary>
    private void Capture(in InternalMessage m)
    {
        int length = m.Reply.Length + m.Header.Length + m.Data.Length;
        byte[] buffer = length <= MaxPooledCapture ? _capturePool.Rent(Math.Max(length, 1)) : new byte[length];
        m.Reply.CopyTo(buffer);
        m.Header.CopyTo(buffer.AsSpan(m.Reply.Length));
        m.Data.CopyTo(buffer.AsSpan(m.Reply.Length + m.Header.Length));
        string? last = Volatile.Read(ref _lastSubject);
        string subject;
        if (last is not null && SameAscii(last, m.Subject))
        {
            subject = last;
        }
        else
        {
            subject = Encoding.UTF8.GetString(m.Subject);
            Volatile.Write(ref _lastSubject, subject);
        }

        if (!_work.Writer.TryWrite(new StreamWork(null!, null, buffer, subject, m.Reply.Length, m.Header.Length, m.Data.Length)))
        {
            ReturnCapture(buffer); // the stream stopped
        }
    }

    private static bool SameAscii(string s, ReadOnlySpan<byte> bytes)
    {
        if (s.Length != bytes.Length)
        {
            return false;
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            if (s[i] != bytes[i])
            {
                return false;
            }
        }

        return true;
    }

    private void Unsubscribe()
    {
        foreach (InternalSubscriber sub in _subscriptions)
        {
            Account.Engine.Internal.Unsubscribe(sub);
        }

        _subscriptions.Clear();
    }

    /// <summary>
    /// Applies queued work in runs (group commit): the publishes of a run are appended buffered, written
    /// to the OS in one call at the end of the run, and only then acknowledged and shown to consumers.
    /// </summary>
    private async Task LoopAsync()
    {
        ChannelReader<StreamWork> reader = _work.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            int run = 0;
            while (reader.TryRead(out StreamWork work))
            {
                try
                {
                    if (work.AckFor is { } consumer)
                    {
                        lock (Lock)
                        {
                            consumer.ProcessAck(work.Message, deferFlush: true);
                        }
                    }
                    else if (work.Buffer is not null)
                    {
                        ProcessCaptured(work);
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

                if (++run >= MaxRun)
                {
                    Commit();
                    run = 0;
                }
            }

            Commit();
        }
    }

    /// <summary>The end of a run: the appends to the OS, then the replies and the consumers.</summary>
    private void Commit()
    {
        if (Deleted)
        {
            _appended = false;
            _replies.Clear();
            return;
        }

        try
        {
            if (_appended)
            {
                _appended = false;
                Store.Flush();
                lock (Lock)
                {
                    foreach (Consumer c in _consumers.Values)
                    {
                        c.OnNewMessage();
                    }
                }
            }

            if (_replies.Count > 0)
            {
                _replies.Send(_replyBatch, Account.Account);
            }

            lock (Lock)
            {
                foreach (Consumer c in _consumers.Values)
                {
                    c.FlushState(); // the acks processed in the run
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not written: nothing of the run is acknowledged (the publishers time out, as with a failed append).
            _replies.Clear();
            Account.Engine.Log.Error($"JetStream stream '{Name}': {ex.Message}");
        }
    }

    /// <summary>nats-server's processJetStreamMsg: checks in its order, append, ack, wake the consumers.</summary>
    private void ProcessInbound(ReceivedMessage m) =>
        ProcessInbound(m.Subject, m.Reply is null ? default : Encoding.UTF8.GetBytes(m.Reply), m.Header, m.Data);

    /// <summary>A publish captured into a pooled buffer (<see cref="Capture"/>): processed, then the buffer goes back.</summary>
    private void ProcessCaptured(in StreamWork work)
    {
        try
        {
            ReadOnlySpan<byte> buffer = work.Buffer;
            int replyEnd = work.ReplyLength;
            int headerEnd = replyEnd + work.HeaderLength;
            ProcessInbound(work.Subject!, buffer[..replyEnd], buffer[replyEnd..headerEnd], buffer.Slice(headerEnd, work.DataLength));
        }
        finally
        {
            ReturnCapture(work.Buffer!);
        }
    }

    private void ReturnCapture(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledCapture)
        {
            _capturePool.Return(buffer);
        }
    }

    private void ProcessInbound(string subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> hdr, ReadOnlySpan<byte> data)
    {
        lock (Lock)
        {
            if (Deleted)
            {
                return;
            }

            if (data.IsEmpty && hdr.StartsWith("NATS/1.0 100 "u8))
            {
                return; // heartbeats and flow control are never stored
            }

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
                    if (!reply.IsEmpty)
                    {
                        _replies.Add(reply, Encoding.UTF8.GetBytes($"{{\"stream\":\"{Name}\",{DomainPart()}\"seq\":{dup.Seq},\"duplicate\": true}}"));
                    }

                    return;
                }

                if (JsHeaders.Get(hdr, JsHeaders.ExpectedLastSubjectSeq) is { } perSubject && ulong.TryParse(perSubject, out ulong wantSubject))
                {
                    ulong have = Store.TryLoadLast(subject, out StoredMessage last) ? last.Sequence : 0;
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

            if (Config.MaxMsgSize >= 0 && hdr.Length + data.Length > Config.MaxMsgSize)
            {
                Fail(reply, JsErrors.StreamMessageExceedsMaximumErr);
                return;
            }

            if (hdr.Length > ushort.MaxValue)
            {
                Fail(reply, JsErrors.StreamHeaderExceedsMaximumErr);
                return;
            }

            if (Config.Discard == "new" && DiscardNewRefuses(subject, hdr.Length, data.Length) is { } refused)
            {
                Fail(reply, JsErrors.StreamStoreFailedF.With(refused));
                return;
            }

            if (JsLimits.CheckServerBeforeStore(this) is { } full)
            {
                Fail(reply, full);
                return;
            }

            ulong republishLast = RepublishLastSequence(subject);
            (ulong seq, long ts) = AppendToStore(subject, hdr, data);
            _appended = true;
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
                Store.Purge(subject, seq, 0);
            }
            else if (rollupAll)
            {
                Store.Purge(null, seq, 0);
            }

            Republish(subject, hdr, data, seq, republishLast);
            if (!reply.IsEmpty && !Config.NoAck)
            {
                _replies.AddAck(reply, seq);
            }

            if (Config.Retention == "interest" && !_consumers.Values.Any(c => c.NeedsMessage(seq, subject)))
            {
                Store.Remove(seq);
            }

            // The consumers hear of it at the end of the run, once it is on the OS (Commit).
        }
    }

    private string DomainPart() => Account.Engine.Domain is { } d ? $"\"domain\":\"{d}\"," : "";

    /// <summary>
    /// Discard new, checked as nats-server's stores check it (storeRawMsg): the new message counts its
    /// header and data against what the stream holds; a subject at max_msgs_per_subject replaces its
    /// oldest message, so it passes max_msgs, and max_bytes when the one it replaces is large enough.
    /// </summary>
    private string? DiscardNewRefuses(string subject, int headerLength, int dataLength)
    {
        StreamStoreState s = Store.State;
        bool replaces = Config.MaxMsgsPerSubject > 0
            && Store.NumPending(s.FirstSequence, subject, lastPerSubject: false) >= (ulong)Config.MaxMsgsPerSubject;
        if (replaces && Config.DiscardNewPerSubject)
        {
            return "maximum messages per subject exceeded";
        }

        if (Config.MaxMsgs > 0 && s.Messages >= (ulong)Config.MaxMsgs && !replaces)
        {
            return "maximum messages exceeded";
        }

        ulong size = (ulong)(headerLength + dataLength);
        if (Config.MaxBytes > 0 && s.Bytes + size >= (ulong)Config.MaxBytes)
        {
            if (!replaces || !Store.TryLoadNext(subject, s.FirstSequence, out StoredMessage oldest))
            {
                return "maximum bytes exceeded";
            }

            // The memory store lets it through when the replaced message is at least as large, the file store only when larger.
            bool memory = Config.Storage == "memory";
            ulong freed = memory
                ? MemoryStreamStore.SizeOf(oldest.Subject, oldest.Header.Length, oldest.Data.Length)
                : FileStreamStore.SizeOf(oldest.Subject, oldest.Header.Length, oldest.Data.Length);
            if (memory ? freed < size : freed <= size)
            {
                return "maximum bytes exceeded";
            }
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

    private void Fail(ReadOnlySpan<byte> reply, JsApiError error)
    {
        if (!reply.IsEmpty)
        {
            var ack = new PubAck { Error = error, JsStream = Name };
            _replies.Add(reply, JsonSerializer.SerializeToUtf8Bytes(ack, JsJson.Default.PubAck)); // in order with the acks before it
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
