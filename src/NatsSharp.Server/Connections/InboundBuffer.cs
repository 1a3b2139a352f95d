using System.Buffers;

namespace NatsSharp.Server.Connections;

/// <summary>
/// The plain-socket read loop's buffer (in place of a <c>System.IO.Pipelines.Pipe</c>, whose pipe, reader,
/// writer, segment and segment stack were ~550 bytes made and held per connection): one pooled array, rented
/// when bytes arrive and given back once the parser has consumed all of them, so an idle connection holds
/// none. What the parser leaves (a partial command) stays and the next receive appends to it; it moves to the
/// front when too little room is left behind it, and the array is replaced by one twice as large when the
/// partial command itself fills it (a large payload). The parser always sees one contiguous span.
/// A struct: it lives in the read loop's state machine or the connection (Connection.Readiness.cs), nothing is
/// allocated for it.
/// </summary>
internal struct InboundBuffer
{
    private const int InitialSize = 64 * 1024;

    private byte[]? _array;
    private int _start; // the first byte not yet consumed
    private int _end; // the end of what was received

    /// <summary>Bytes received and not yet consumed (a partial command).</summary>
    public readonly int Length => _end - _start;

    /// <summary>The room for the next receive, at least <paramref name="minimum"/> bytes.</summary>
    public Memory<byte> GetMemory(int minimum)
    {
        if (_array is null)
        {
            _array = ArrayPool<byte>.Shared.Rent(Math.Max(InitialSize, minimum)); // _start and _end are 0: Release reset them
        }
        else if (_array.Length - _end < minimum)
        {
            int unread = Length;
            byte[] target = unread + minimum <= _array.Length
                ? _array
                : ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, unread + minimum));
            _array.AsSpan(_start, unread).CopyTo(target);
            if (!ReferenceEquals(target, _array))
            {
                ArrayPool<byte>.Shared.Return(_array);
                _array = target;
            }

            _start = 0;
            _end = unread;
        }

        return _array.AsMemory(_end);
    }

    /// <summary>The receive wrote <paramref name="count"/> bytes into the memory <see cref="GetMemory"/> gave.</summary>
    public void Advance(int count) => _end += count;

    /// <summary>What is received and not yet consumed, for the parser.</summary>
    public readonly ReadOnlySequence<byte> Unread => _array is null ? default : new ReadOnlySequence<byte>(_array, _start, Length);

    /// <summary>The parser consumed the first <paramref name="count"/> bytes of <see cref="Unread"/>; all of them gives the array back.</summary>
    public void Consume(long count)
    {
        _start += checked((int)count);
        if (_start == _end)
        {
            Release();
        }
    }

    /// <summary>Gives the array back (the loop ends, or nothing is left unread).</summary>
    public void Release()
    {
        if (_array is { } array)
        {
            _array = null;
            _start = _end = 0;
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
