namespace NatsSharp.Server.Subjects;

/// <summary>
/// One read loop's memory of the last subject it matched: a publisher that sends the same
/// subject again gets the same result without hashing the subject and probing the shared cache,
/// as long as the sublist has not changed since (its generation). nats-server keeps a
/// per-client results map checked against the sublist's genid for the same reason.
/// Owned by one thread; the matches it answers are added to the sublist's stats in batches.
/// </summary>
internal sealed class LastMatch
{
    private const int MaxSubject = 256; // longer subjects are matched as usual, not remembered

    private readonly byte[] _subject = new byte[MaxSubject];
    private int _length;
    private Sublist? _sublist;
    private long _generation;
    private SublistResult _result = SublistResult.Empty;
    private long _uncounted;

    public SublistResult Match(Sublist sublist, ReadOnlySpan<byte> subject)
    {
        long generation = sublist.Generation;
        if (ReferenceEquals(sublist, _sublist) && generation == _generation && subject.SequenceEqual(_subject.AsSpan(0, _length)))
        {
            _uncounted++;
            return _result;
        }

        Flush();
        sublist.CountMatches(1);
        SublistResult result = sublist.MatchUncounted(subject);
        if (subject.Length <= MaxSubject)
        {
            // The generation read before the match: a change racing it makes the next lookup miss.
            subject.CopyTo(_subject);
            _length = subject.Length;
            _sublist = sublist;
            _generation = generation;
            _result = result;
        }
        else
        {
            _sublist = null;
        }

        return result;
    }

    /// <summary>Adds the matches answered from memory to the sublist's stats.</summary>
    public void Flush()
    {
        if (_uncounted > 0)
        {
            _sublist?.CountMatches(_uncounted);
            _uncounted = 0;
        }
    }
}
