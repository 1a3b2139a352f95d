using NatsSharp.Server.Internal;
using NatsSharp.Server.JetStream.Storage;

namespace NatsSharp.Server.JetStream.Streams;

/// <summary>
/// A stream's mirror, sources and republish. The readers (<see cref="StreamSourceReader"/>) are
/// pumped off the timer on the thread pool, one pump per stream at a time; each message they bring
/// goes through <see cref="ProcessInbound"/> under the stream's lock like a publish.
/// </summary>
internal sealed partial class JsStream
{
    private readonly List<StreamSourceReader> _readers = [];
    private Republisher? _republisher;
    private (ulong Sequence, long TimestampNs) _mirrorAppend; // set while a mirrored message is processed
    private int _pumping;
    private bool _sourcesStopped;

    /// <summary>Creates the readers of the config's mirror or sources, positioned on what the stream holds.</summary>
    private void StartSources()
    {
        lock (Lock)
        {
            _republisher = Republisher.Create(Config.RePublish);
            if (Config.Mirror is { } mirror)
            {
                var reader = new StreamSourceReader(mirror, mirror: true);
                reader.Position(this, restarted: true);
                _readers.Add(reader);
            }

            foreach (StreamSourceConfig source in Config.Sources ?? [])
            {
                var reader = new StreamSourceReader(source, mirror: false);
                reader.Position(this, restarted: true);
                _readers.Add(reader);
            }
        }

        SchedulePump();
    }

    private void StopSources()
    {
        lock (Lock)
        {
            _sourcesStopped = true;
            foreach (StreamSourceReader r in _readers)
            {
                r.Close(this);
            }

            _readers.Clear();
        }
    }

    /// <summary>UPDATE: sources added start as configured, sources removed stop (nats-server keeps the ones that stay where they are).</summary>
    private void UpdateSources(StreamConfig config)
    {
        var keep = new Dictionary<string, StreamSourceReader>(StringComparer.Ordinal);
        foreach (StreamSourceReader r in _readers)
        {
            if (!r.IsMirror)
            {
                keep[r.Config.IndexName] = r;
            }
        }

        _readers.RemoveAll(r => !r.IsMirror);
        foreach (StreamSourceConfig source in config.Sources ?? [])
        {
            if (keep.TryGetValue(source.IndexName, out StreamSourceReader? existing) && (existing.Config.FilterSubject ?? "") == (source.FilterSubject ?? ""))
            {
                _readers.Add(existing);
                continue;
            }

            var reader = new StreamSourceReader(source, mirror: false);
            reader.Position(this, restarted: false);
            _readers.Add(reader);
        }

        foreach (StreamSourceReader gone in keep.Values)
        {
            if (!_readers.Contains(gone))
            {
                gone.Close(this);
            }
        }
    }

    /// <summary>An external link got something: pump now rather than on the next tick.</summary>
    public void WakeSources() => SchedulePump();

    /// <summary>
    /// A mirror's new consumer on an external origin starts past <paramref name="sequence"/> (the origin
    /// no longer holds what comes before): the mirror skips to it, as nats-server's skipMsgs.
    /// </summary>
    public void SkipMirrorTo(StreamSourceReader reader, ulong sequence)
    {
        lock (Lock)
        {
            if (Deleted || _sourcesStopped || !_readers.Contains(reader) || sequence <= Store.State.LastSequence)
            {
                return;
            }

            Store.SkipTo(sequence);
            reader.Advance(sequence);
        }
    }

    /// <summary>Starts a pump unless one runs; called by the timer.</summary>
    private void SchedulePump()
    {
        if (_readers.Count == 0 || Interlocked.CompareExchange(ref _pumping, 1, 0) != 0)
        {
            return;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static s => s.Pump(), this, preferLocal: false);
    }

    private void Pump()
    {
        try
        {
            bool more = true;
            for (int rounds = 0; more && rounds < 64; rounds++)
            {
                more = false;
                StreamSourceReader[] readers;
                lock (Lock)
                {
                    readers = [.. _readers];
                }

                foreach (StreamSourceReader reader in readers)
                {
                    more |= reader.Pump(this);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // An origin's store closed under the pump (shutdown, a deleted stream): nothing to copy.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Account.Engine.Log.Error($"JetStream stream '{Name}': sourcing failed: {ex.Message}");
        }
        finally
        {
            Volatile.Write(ref _pumping, 0);
        }
    }

    /// <summary>
    /// Stores one message a reader brought (a mirror keeps the origin's sequence and time). Returns
    /// false when the stream refused it, so the reader tries the same message again later.
    /// </summary>
    public bool StoreSourced(StreamSourceReader reader, ReceivedMessage m, ulong originSequence, long timestampNs)
    {
        lock (Lock)
        {
            if (Deleted || _sourcesStopped || !_readers.Contains(reader))
            {
                return false;
            }

            ulong before = Store.State.LastSequence;
            if (reader.IsMirror)
            {
                if (originSequence <= before)
                {
                    reader.Advance(originSequence);
                    return true; // already here
                }

                _mirrorAppend = (originSequence, timestampNs);
            }

            try
            {
                ProcessInbound(m);
                CommitSourced();
            }
            finally
            {
                _mirrorAppend = default;
            }

            // A duplicate Nats-Msg-Id is done with, not refused.
            bool done = Store.State.LastSequence > before
                || (JsHeaders.Get(m.Header, JsHeaders.MsgId) is { Length: > 0 } id && _dedupe.ContainsKey(id));
            if (done)
            {
                reader.Advance(originSequence);
            }

            return done;
        }
    }

    /// <summary>
    /// A sourced message is not part of the stream loop's run (group commit): it goes to the OS and
    /// to the consumers at once (the reader moves on only once it is stored).
    /// </summary>
    private void CommitSourced()
    {
        Store.Flush();
        foreach (Consumers.Consumer c in _consumers.Values)
        {
            c.OnNewMessage();
        }
    }

    /// <summary>
    /// The store append of <see cref="ProcessInbound"/>: buffered until the run's commit, except a
    /// mirrored message, which goes under its origin sequence and time.
    /// </summary>
    private (ulong Sequence, long TimestampNs) AppendToStore(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        if (_mirrorAppend.Sequence == 0)
        {
            return Store.AppendBuffered(subject, header, data);
        }

        Store.SkipTo(_mirrorAppend.Sequence - 1);
        return Store.Append(subject, header, data, _mirrorAppend.TimestampNs);
    }

    /// <summary>The subject's last sequence before a message is stored, when that message will be republished (nats-server's Nats-Last-Sequence).</summary>
    private ulong RepublishLastSequence(string subject) =>
        _republisher is { } r && r.Matches(subject) && Store.TryLoadLast(subject, out StoredMessage last) ? last.Sequence : 0;

    private void Republish(string subject, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, ulong sequence, ulong lastSequence)
    {
        if (_republisher is { } r && r.Matches(subject))
        {
            r.Publish(this, subject, header, data, sequence, lastSequence);
        }
    }

    private void FillSourceInfo(StreamInfo info)
    {
        foreach (StreamSourceReader r in _readers)
        {
            if (r.IsMirror)
            {
                info.Mirror = r.Info(this);
            }
            else
            {
                (info.Sources ??= []).Add(r.Info(this));
            }
        }
    }
}
