using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Consumers;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// A mirror or source whose origin lives behind <c>external</c> (another account's API imported under
/// a prefix, or another domain): its store is not ours to read, so this does what nats-server's
/// setupMirrorConsumer/setSourceConsumer do. It asks the origin's API (<c>&lt;api&gt;.CONSUMER.CREATE</c>)
/// for an ephemeral push consumer (ack none, flow control, 1 s heartbeats, "direct") that starts
/// after the last origin sequence copied and delivers under the <c>deliver</c> prefix, copies what
/// arrives in consumer order, answers flow control, and asks for a new consumer when the deliveries
/// skip, the heartbeats stop (3 s) or the request goes unanswered (5 s), at most every 2 s.
/// Deliveries are queued by the subscription handlers and handled on the stream's pump.
/// </summary>
internal sealed class ExternalSourceLink
{
    private const long HeartbeatNs = 1_000_000_000;
    private const long StalledNs = 3 * HeartbeatNs;
    private const long RetryNs = 2 * HeartbeatNs;
    private const long RequestTimeoutNs = 5 * HeartbeatNs;
    private const int BatchPerPump = 4096;
    private const string ApiPrefix = "$JS.API.";

    private readonly StreamSourceReader _reader;
    private readonly ConcurrentQueue<(int Generation, bool Response, ReceivedMessage Message)> _inbound = new();
    private InternalSubscriber? _deliverSub;
    private InternalSubscriber? _replySub;
    private int _generation;      // bumped per consumer request: what an older one delivers is dropped
    private string _consumer = ""; // the origin's consumer, once it answered
    private ulong _dseq;           // last consumer sequence copied
    private bool _waiting;         // a create request is out
    private bool _retry = true;    // a (new) consumer is wanted
    private long _lastRequestNs;
    private long _lastContactNs;
    private ulong _lag;
    private JsApiError? _error;

    public ExternalSourceLink(StreamSourceReader reader) => _reader = reader;

    public ulong Lag => _lag;

    public long LastContactNs => Volatile.Read(ref _lastContactNs);

    public JsApiError? Error => _error;

    /// <summary>Handles what arrived, then checks the consumer's health. Returns whether more is queued.</summary>
    public bool Pump(JsStream stream)
    {
        int n = 0;
        while (_inbound.TryDequeue(out var item))
        {
            if (item.Generation != _generation)
            {
                continue;
            }

            if (item.Response)
            {
                OnResponse(stream, item.Message);
            }
            else
            {
                OnDelivery(stream, item.Message);
            }

            if (++n >= BatchPerPump)
            {
                return true;
            }
        }

        long now = JsTime.NowNs();
        if (_waiting && now - _lastRequestNs > RequestTimeoutNs)
        {
            _waiting = false;
            _retry = true;
        }
        else if (!_waiting && _consumer.Length > 0 && now - LastContactNs > StalledNs)
        {
            _retry = true;
        }

        if (_retry && !_waiting && (_lastRequestNs == 0 || now - _lastRequestNs >= RetryNs))
        {
            Request(stream, now);
        }

        return false;
    }

    /// <summary>Drops the subscriptions (the stream stopped or no longer has this mirror or source); the origin's consumer goes when its heartbeats find no interest.</summary>
    public void Close(JsStream stream)
    {
        _generation++;
        Unsubscribe(stream);
    }

    private void Request(JsStream stream, long now)
    {
        Unsubscribe(stream);
        int generation = ++_generation;
        _consumer = "";
        _dseq = 0;
        _retry = false;
        _waiting = true;
        _lastRequestNs = now;

        StreamSourceConfig source = _reader.Config;
        ExternalStream ext = source.External!;
        string deliver = ext.DeliverPrefix.Length > 0
            ? (ext.DeliverPrefix + "." + (_reader.IsMirror ? "M" : "S") + "." + RandomToken()).Replace("..", ".", StringComparison.Ordinal)
            : (_reader.IsMirror ? "$JS.M." : "$JS.S.") + RandomToken();
        string reply = "$JSC.R." + RandomToken();
        var config = new ConsumerConfig
        {
            DeliverSubject = deliver,
            AckPolicy = "none",
            AckWait = 22 * 3600 * HeartbeatNs,
            MaxDeliver = 1,
            Heartbeat = HeartbeatNs,
            FlowControl = true,
            Direct = true,
            FilterSubject = string.IsNullOrEmpty(source.FilterSubject) ? null : source.FilterSubject,
        };
        if (_reader.StartTime is { } start)
        {
            config.DeliverPolicy = "by_start_time";
            config.OptStartTime = start;
        }
        else if (_reader.NextSequence > 1)
        {
            config.DeliverPolicy = "by_start_sequence";
            config.OptStartSeq = _reader.NextSequence;
        }

        string subject;
        if (config.FilterSubject is { } filter)
        {
            config.Name = (_reader.IsMirror ? "mirror-" : "src-") + SystemAccount.SystemServices.NodeHash(Guid.NewGuid().ToString("N"));
            subject = $"{ApiPrefix}CONSUMER.CREATE.{source.Name}.{config.Name}.{filter}";
        }
        else
        {
            subject = $"{ApiPrefix}CONSUMER.CREATE.{source.Name}";
        }

        // nats-server swaps the "$JS.API" prefix for the external one and closes up empty tokens.
        subject = (ext.ApiPrefix + subject[(ApiPrefix.Length - 1)..]).Replace("..", ".", StringComparison.Ordinal);

        // Both subscriptions exist before the request goes out: the consumer may deliver at once.
        ServerClient client = stream.Account.Engine.Internal;
        Accounts.Account account = stream.Account.Account;
        _replySub = client.Subscribe(account, reply, (Accounts.Account _, in InternalMessage m) => Enqueue(stream, generation, response: true, m));
        _deliverSub = client.Subscribe(account, deliver, (Accounts.Account _, in InternalMessage m) => Enqueue(stream, generation, response: false, m), streamImports: true);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new ConsumerCreateRequest { Stream = source.Name, Config = config }, JsJson.Default.ConsumerCreateRequest);
        client.Publish(account, subject, reply, body);
    }

    private void Enqueue(JsStream stream, int generation, bool response, in InternalMessage m)
    {
        _inbound.Enqueue((generation, response, m.ToReceived()));
        stream.WakeSources();
    }

    private void OnResponse(JsStream stream, ReceivedMessage m)
    {
        _waiting = false;
        if (_replySub is { } sub)
        {
            stream.Account.Engine.Internal.Unsubscribe(sub);
            _replySub = null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(m.Data);
            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("error", out JsonElement e))
            {
                _error = new JsApiError(
                    e.TryGetProperty("code", out JsonElement c) ? c.GetInt32() : 500,
                    e.TryGetProperty("err_code", out JsonElement ec) ? ec.GetInt32() : 0,
                    e.TryGetProperty("description", out JsonElement d) ? d.GetString() ?? "" : "");
                _retry = true;
                return;
            }

            _error = null;
            string name = root.GetProperty("name").GetString() ?? "";
            if (name != _consumer)
            {
                _consumer = name;
                _dseq = 0;
            }

            Volatile.Write(ref _lastContactNs, JsTime.NowNs());
            ulong delivered = root.TryGetProperty("delivered", out JsonElement del) && del.TryGetProperty("stream_seq", out JsonElement ss) ? ss.GetUInt64() : 0;
            if (_reader.IsMirror)
            {
                // The origin no longer has what comes before its first message: the mirror skips to it.
                stream.SkipMirrorTo(_reader, delivered);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            _error = JsErrors.InvalidJSONErr;
            _retry = true;
        }
    }

    private void OnDelivery(JsStream stream, ReceivedMessage m)
    {
        if (m.Data.Length == 0 && m.Header is { } h && h.AsSpan().StartsWith("NATS/1.0 100 "u8))
        {
            Volatile.Write(ref _lastContactNs, JsTime.NowNs());
            if (m.Reply is { Length: > 0 } fc)
            {
                Answer(stream, fc); // flow control request
            }
            else if (JsHeaders.Get(h, "Nats-Last-Consumer") is { } last && ulong.TryParse(last, CultureInfo.InvariantCulture, out ulong ldseq) && ldseq > 0 && ldseq != _dseq)
            {
                _retry = true; // a delivery went missing
            }
            else if (JsHeaders.Get(h, "Nats-Consumer-Stalled") is { Length: > 0 } stalled)
            {
                Answer(stream, stalled);
            }

            return;
        }

        // Over a route or leafnode the stored subject rides after '@' in the ack reply (nats-server's encoding).
        if (m.Reply is { } encoded && encoded.StartsWith("$JS.ACK.", StringComparison.Ordinal) && encoded.LastIndexOf('@') is int at and > 0 && at < encoded.Length - 1)
        {
            m = m with { Subject = encoded[(at + 1)..], Reply = encoded[..at] };
        }

        if (_retry || AckReply.Parse(m.Reply) is not { } r || r.Delivered > 1)
        {
            return;
        }

        if (_consumer.Length == 0)
        {
            _consumer = r.Consumer; // the consumer delivers before its create response arrives
        }
        else if (r.Consumer != _consumer)
        {
            return; // not from the current consumer
        }

        Volatile.Write(ref _lastContactNs, JsTime.NowNs());
        if (r.ConsumerSequence != _dseq + 1)
        {
            _retry = true;
            return;
        }

        if (r.StreamSequence < _reader.NextSequence)
        {
            _dseq = r.ConsumerSequence; // already here (a mirror after a skip)
            return;
        }

        byte[]? header = m.Header;
        if (!_reader.IsMirror)
        {
            header = StreamSourceReader.WithSourceHeader(header, _reader.Config.IndexName, r.StreamSequence);
        }

        if (!stream.StoreSourced(_reader, new ReceivedMessage(m.Subject, null, header, m.Data), r.StreamSequence, r.TimestampNs))
        {
            _retry = true; // refused (a limit): asked again from the last message stored, as nats-server does
            return;
        }

        _dseq = r.ConsumerSequence;
        _lag = r.Pending == 0 ? 0 : r.Pending - 1;
    }

    private static void Answer(JsStream stream, string subject) =>
        stream.Account.Engine.Internal.Publish(stream.Account.Account, subject, null, ReadOnlySpan<byte>.Empty);

    private void Unsubscribe(JsStream stream)
    {
        ServerClient client = stream.Account.Engine.Internal;
        if (_deliverSub is { } d)
        {
            client.Unsubscribe(d);
            _deliverSub = null;
        }

        if (_replySub is { } r)
        {
            client.Unsubscribe(r);
            _replySub = null;
        }
    }

    /// <summary>nats-server's syncSubject suffix: 8 characters of base 62.</summary>
    private static string RandomToken()
    {
        const string digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var b = new StringBuilder(8);
        for (int i = 0; i < 8; i++)
        {
            b.Append(digits[Random.Shared.Next(digits.Length)]);
        }

        return b.ToString();
    }
}
