namespace NatsSharp.Server.Connections;

/// <summary>
/// What the publishers waiting on one subscriber's backlog have seen of its progress, shared by all of
/// them so that one publisher's first look does not take for stuck a reader another has seen drain.
/// The clock starts afresh with each backlog (a new one begins each time it goes over half of max_pending); the
/// evidence of a reader is kept.
/// Touched only while a publisher waits, under its own short lock; one per subscriber, made on its first backlog.
/// </summary>
internal sealed class DrainProgress
{
    /// <summary>
    /// How much its reader must have taken to count as a reader: more than a receive buffer that was never read
    /// from takes (Linux starts one at 128 KB and grows it only as it is read), so a subscriber that never reads
    /// is not taken for one.
    /// </summary>
    internal const long ReaderEvidenceBytes = 256 * 1024;

    private readonly Lock _lock = new();
    private Task? _backlog;
    private long _drained;
    private long _progressAt;
    private bool _reader;

    /// <summary>
    /// Notes the subscriber's <paramref name="drained"/> counter (<see cref="Subjects.Subscriber.Drained"/>) at
    /// <paramref name="now"/> (ms). Gives when it was last seen taking anything (at first: when the backlog was
    /// first seen), and whether a reader is there: it has taken <see cref="ReaderEvidenceBytes"/> since it connected.
    /// </summary>
    public void Observe(Task backlog, long drained, long now, out long progressAt, out bool reader)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(backlog, _backlog))
            {
                _backlog = backlog;
                _drained = drained;
                _progressAt = now;
            }
            else if (drained != _drained)
            {
                _drained = drained;
                _progressAt = now;
            }

            // Counted since it connected, not since the backlog: a reader that drains a burst in spurts often
            // pauses just as the backlog begins (that is what makes it), having taken megabytes before.
            _reader |= drained >= ReaderEvidenceBytes;

            progressAt = _progressAt;
            reader = _reader;
        }
    }
}
