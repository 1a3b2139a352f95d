namespace NatsSharp.Server.Connections;

/// <summary>
/// What the publishers waiting on one subscriber's backlog have seen of its progress, shared by all of
/// them so that one publisher's first look does not take for stuck a reader another has seen drain.
/// Starts afresh with each backlog (a new one begins each time it goes over half of max_pending).
/// Touched only while a publisher waits, under its own short lock; one per subscriber, made on its first backlog.
/// </summary>
internal sealed class DrainProgress
{
    /// <summary>
    /// How much its reader must take during one backlog to count as a reader: more than a receive buffer that
    /// was never read from takes (the kernel's default is 128 KB), so a subscriber that never reads is not taken
    /// for one while its buffer fills.
    /// </summary>
    internal const long ReaderEvidenceBytes = 256 * 1024;

    private readonly Lock _lock = new();
    private Task? _backlog;
    private long _start;
    private long _drained;
    private long _progressAt;
    private bool _reader;

    /// <summary>
    /// Notes the subscriber's <paramref name="drained"/> counter (<see cref="Subjects.Subscriber.Drained"/>) at
    /// <paramref name="now"/> (ms). Gives when it was last seen taking anything (at first: when the backlog was
    /// first seen), and whether a reader is there: it has taken <see cref="ReaderEvidenceBytes"/> since the backlog
    /// was first seen, or it drained the backlog seen before this one.
    /// </summary>
    public void Observe(Task backlog, long drained, long now, out long progressAt, out bool reader)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(backlog, _backlog))
            {
                _reader = _backlog is { IsCompleted: true };
                _backlog = backlog;
                _start = drained;
                _drained = drained;
                _progressAt = now;
            }
            else if (drained != _drained)
            {
                _drained = drained;
                _progressAt = now;
                _reader |= drained - _start >= ReaderEvidenceBytes;
            }

            progressAt = _progressAt;
            reader = _reader;
        }
    }
}
