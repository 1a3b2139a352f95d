using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Api;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// One mirror or source of a stream: reads the origin stream's store from the next origin sequence
/// on and hands each message to the stream (<see cref="JsStream.StoreSourced"/>), which stores it
/// through its normal publish checks. nats-server does this with an internal push consumer on the
/// origin (flow control, heartbeats, retries); on one server and one account the origin's store is
/// right here, so the reader reads it directly: no consumer shows on the origin (nats-server's are
/// "direct" and hidden too), nothing can be lost between the two, and a restart resumes from what
/// the stream holds (the last Nats-Stream-Source header of a source, the last sequence of a mirror).
/// All members run on the stream's pump, one pump at a time.
/// </summary>
internal sealed class StreamSourceReader
{
    private const int BatchPerPump = 4096;

    private ulong _next;          // next origin sequence to read; 0 = not positioned yet
    private DateTime? _startTime; // positioning by time, resolved once the origin is there
    private long _lastContactNs;
    private JsApiError? _error;
    private ExternalSourceLink? _link; // an origin behind "external": reached through a consumer on its API

    public StreamSourceReader(StreamSourceConfig config, bool mirror)
    {
        Config = config;
        IsMirror = mirror;
    }

    public StreamSourceConfig Config { get; }

    public bool IsMirror { get; }

    public string Filter => Config.FilterSubject ?? "";

    /// <summary>The next origin sequence to copy (0 = positioned by <see cref="StartTime"/> or not yet).</summary>
    public ulong NextSequence => _next;

    /// <summary>Where to start by time until the first message is copied.</summary>
    public DateTime? StartTime => _next == 0 ? _startTime : null;

    /// <summary>
    /// Where to start, from what the stream already holds (nats-server's setupMirrorConsumer and
    /// startingSequenceForSources). Called under the stream's lock when the reader is created.
    /// </summary>
    public void Position(JsStream stream, bool restarted)
    {
        StreamStoreState s = stream.Store.State;
        if (IsMirror)
        {
            if (s.LastSequence > 0)
            {
                _next = s.LastSequence + 1;
            }
            else if (Config.OptStartSeq > 0)
            {
                _next = Config.OptStartSeq;
            }
            else if (Config.OptStartTime is { } t)
            {
                _startTime = t;
            }
            else
            {
                _next = 1;
            }

            return;
        }

        if (s.Messages > 0 && LastSourcedSequence(stream.Store, s, Config.IndexName) is { } last)
        {
            _next = last + 1;
            return;
        }

        // Nothing sourced from it is left: after a restart nats-server falls back to the stream's last
        // time (messages purged or expired); a source added by an update starts as configured.
        DateTime? since = restarted && s.LastTimestampNs > 0 ? JsTime.ToDateTime(s.LastTimestampNs) : null;
        if (Config.OptStartSeq > 0)
        {
            _next = Config.OptStartSeq;
        }
        else if (Config.OptStartTime is { } t)
        {
            _startTime = since is { } st && t < st ? st : t;
        }
        else if (since is not null)
        {
            _startTime = since;
        }
        else
        {
            _next = 1;
        }
    }

    /// <summary>Copies what the origin has past the last sequence read into the stream, up to a batch. Returns whether there may be more.</summary>
    public bool Pump(JsStream stream)
    {
        if (Config.External is not null)
        {
            return (_link ??= new ExternalSourceLink(this)).Pump(stream);
        }

        if (stream.Account.Find(Config.Name) is not { Deleted: false } origin)
        {
            _error = JsErrors.StreamNotFoundErr;
            return false;
        }

        _error = null;
        _lastContactNs = JsTime.NowNs();
        IStreamStore store = origin.Store;
        if (_next == 0)
        {
            _next = FirstAtOrAfter(store, _startTime ?? DateTime.MinValue);
            _startTime = null;
        }

        int n = 0;
        bool more = false;
        while (store.TryLoadNext(Filter, _next, out StoredMessage m))
        {
            if (++n > BatchPerPump)
            {
                more = true;
                break;
            }

            string subject = m.Subject;
            byte[]? header = m.Header.IsEmpty ? null : m.Header.ToArray();
            byte[] data = m.Data.ToArray();
            if (!IsMirror)
            {
                header = WithSourceHeader(header, Config.IndexName, m.Sequence);
            }

            if (!stream.StoreSourced(this, new ReceivedMessage(subject, null, header, data), m.Sequence, m.TimestampNs))
            {
                break; // refused (limits, a stopped stream): tried again on the next pump, as nats-server retries
            }
        }

        return more;
    }

    /// <summary>The message of <paramref name="originSequence"/> is stored: called under the stream's lock, so STREAM.INFO never sees it stored but still pending.</summary>
    public void Advance(ulong originSequence)
    {
        _next = originSequence + 1;
        _startTime = null;
    }

    /// <summary>The stream no longer reads this origin: an external link drops its subscriptions.</summary>
    public void Close(JsStream stream) => _link?.Close(stream);

    /// <summary>The info entry; <c>lag</c> is what the origin holds past the last message copied (under the stream's lock).</summary>
    public StreamSourceInfo Info(JsStream stream)
    {
        if (_link is { } link)
        {
            long contact = link.LastContactNs;
            return new()
            {
                Name = Config.Name,
                External = Config.External,
                Lag = link.Lag,
                Active = contact == 0 ? -1 : Math.Max(0, JsTime.NowNs() - contact),
                Error = link.Error,
            };
        }

        ulong lag = 0;
        if (_error is null && _next > 0 && stream.Account.Find(Config.Name) is { Deleted: false } origin)
        {
            lag = origin.Store.NumPending(_next, Filter, lastPerSubject: false);
        }

        return new()
        {
            Name = Config.Name,
            External = Config.External,
            Lag = lag,
            Active = _lastContactNs == 0 ? -1 : Math.Max(0, JsTime.NowNs() - _lastContactNs),
            Error = _error,
        };
    }

    /// <summary>
    /// The origin sequence of the newest message sourced from <paramref name="indexName"/>, from the
    /// Nats-Stream-Source headers (a backwards scan, as nats-server's); null when none is left.
    /// </summary>
    public static ulong? LastSourcedSequence(IStreamStore store, StreamStoreState s, string indexName)
    {
        for (ulong seq = s.LastSequence; seq >= s.FirstSequence && seq > 0; seq--)
        {
            if (!store.TryLoad(seq, out StoredMessage m) || m.Header.IsEmpty)
            {
                continue;
            }

            if (JsHeaders.Get(m.Header.Span, JsHeaders.StreamSource) is { } value && ParseSourceHeader(value) is { } parsed && parsed.Name == indexName)
            {
                return parsed.Sequence;
            }
        }

        return null;
    }

    /// <summary>nats-server's streamAndSeq: "&lt;name&gt; &lt;seq&gt;" (or the old form, an ack reply subject).</summary>
    public static (string Name, ulong Sequence)? ParseSourceHeader(string value)
    {
        if (value.StartsWith("$JS.ACK.", StringComparison.Ordinal))
        {
            string[] t = value.Split('.');
            return t.Length == 9 && ulong.TryParse(t[5], out ulong old) ? (t[2], old) : null;
        }

        string[] fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 2 && ulong.TryParse(fields[1], out ulong seq) ? (fields[0], seq) : null;
    }

    /// <summary>The header with any Nats-Stream-Source of an earlier hop replaced by ours, appended last as nats-server's genHeader does.</summary>
    public static byte[] WithSourceHeader(byte[]? header, string indexName, ulong originSequence) =>
        JsHeaders.Append(JsHeaders.Remove(header, JsHeaders.StreamSource), $"{JsHeaders.StreamSource}: {indexName} {originSequence}");

    private ulong FirstAtOrAfter(IStreamStore store, DateTime start)
    {
        if (start == DateTime.MinValue)
        {
            return Math.Max(store.State.FirstSequence, 1);
        }

        long ns = JsTime.ToNs(start);
        for (ulong seq = store.State.FirstSequence; store.TryLoadNext(Filter, seq, out StoredMessage m); seq = m.Sequence + 1)
        {
            if (m.TimestampNs >= ns)
            {
                return m.Sequence;
            }
        }

        return store.State.LastSequence + 1;
    }
}
