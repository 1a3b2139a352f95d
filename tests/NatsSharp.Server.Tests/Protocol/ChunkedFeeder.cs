using System.Buffers;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Protocol;

/// <summary>
/// Feeds input to the parser the way a PipeReader does: whatever was not consumed stays,
/// and each new read appends a new buffer segment, so commands straddle segments.
/// </summary>
internal sealed class ChunkedFeeder
{
    private readonly ProtocolParser _parser;
    private readonly List<byte[]> _segments = [];

    public ChunkedFeeder(ProtocolParser parser) => _parser = parser;

    public ParseStatus LastStatus { get; private set; }

    /// <summary>Bytes still held (a partial command).</summary>
    public long Pending => _segments.Sum(s => (long)s.Length);

    public ParseStatus Feed(byte[] chunk, IProtocolHandler handler) => FeedSegments(handler, chunk);

    /// <summary>Parses <paramref name="chunks"/> as the segments of one read (each its own segment).</summary>
    public ParseStatus FeedSegments(IProtocolHandler handler, params byte[][] chunks)
    {
        _segments.AddRange(chunks.Where(c => c.Length > 0));
        ReadOnlySequence<byte> buffer = Build();
        long before = buffer.Length;
        LastStatus = _parser.Parse(ref buffer, handler);
        Drop(before - buffer.Length);
        return LastStatus;
    }

    private ReadOnlySequence<byte> Build()
    {
        if (_segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(_segments[0], 0);
        Segment last = first;
        for (int i = 1; i < _segments.Count; i++)
        {
            last = last.Append(_segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private void Drop(long consumed)
    {
        while (consumed > 0 && _segments.Count > 0)
        {
            byte[] head = _segments[0];
            if (head.Length <= consumed)
            {
                consumed -= head.Length;
                _segments.RemoveAt(0);
            }
            else
            {
                _segments[0] = head[(int)consumed..];
                consumed = 0;
            }
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] data, long runningIndex)
        {
            Memory = data;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] data)
        {
            var next = new Segment(data, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
