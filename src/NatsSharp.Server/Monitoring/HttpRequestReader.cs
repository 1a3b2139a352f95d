using System.Buffers;
using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>
/// Reads request heads off one monitoring connection. Between requests it holds no buffer (a zero-byte read
/// waits for the next one); a head may not pass <see cref="MonitorHttpLimits.MaxHeadBytes"/>, and bytes after it
/// (a body, a pipelined request) stay for the next call. Not thread-safe: one connection's loop uses it.
/// </summary>
internal sealed class HttpRequestReader(Stream stream, int maxHeadBytes) : IDisposable
{
    private const int InitialSize = 4096;
    private byte[]? _buffer;
    private int _start;
    private int _end;

    /// <summary>
    /// Waits up to <paramref name="idle"/> for a request to begin, then up to <paramref name="header"/> for the rest
    /// of its head (both on <paramref name="timer"/>, whose cancellation ends the read with <see cref="OperationCanceledException"/>).
    /// </summary>
    public async ValueTask<HttpHeadResult> ReadHeadAsync(CancellationTokenSource timer, TimeSpan idle, TimeSpan header)
    {
        if (_start == _end)
        {
            Release();
            timer.CancelAfter(idle);
            await stream.ReadAsync(Memory<byte>.Empty, timer.Token).ConfigureAwait(false);
        }

        timer.CancelAfter(header);
        int scanned = 0; // bytes of the head already searched for its end (the buffer may move)
        bool lineChecked = false;
        while (true)
        {
            if (_end > _start && _buffer![_start] is (byte)'\r' or (byte)'\n')
            {
                return HttpHeadResult.BadRequest; // an empty request line
            }

            if (FindHeadEnd(_start + scanned, out int headEnd, out int next))
            {
                string head = Encoding.Latin1.GetString(_buffer!, _start, headEnd - _start);
                _start = next;
                return HttpRequestParser.Parse(head);
            }

            // A garbage first line is refused at once, without waiting for a head that may never end.
            if (!lineChecked && _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n') is int lineEnd and >= 0)
            {
                lineChecked = true;
                if (!HttpRequestParser.IsValidRequestLine(Encoding.Latin1.GetString(_buffer!, _start, lineEnd)))
                {
                    return HttpHeadResult.BadRequest;
                }
            }

            scanned = Math.Max(0, _end - _start - 3);
            if (_end - _start >= maxHeadBytes)
            {
                return HttpHeadResult.HeaderTooLarge;
            }

            int n = await ReadMoreAsync(maxHeadBytes - (_end - _start), timer.Token).ConfigureAwait(false);
            if (n == 0)
            {
                // Go answers a head cut short by the peer's close with 400 (it may have only shut down its side).
                return _end > _start ? HttpHeadResult.BadRequest : HttpHeadResult.Closed;
            }
        }
    }

    /// <summary>Reads and drops <paramref name="length"/> bytes of body; false when the peer closed first.</summary>
    public async ValueTask<bool> SkipAsync(long length, CancellationToken cancel)
    {
        while (length > 0)
        {
            if (_start == _end)
            {
                _start = _end = 0;
                if (await ReadMoreAsync(int.MaxValue, cancel).ConfigureAwait(false) == 0)
                {
                    return false;
                }
            }

            int take = (int)Math.Min(length, _end - _start);
            _start += take;
            length -= take;
        }

        return true;
    }

    public void Dispose() => Release();

    /// <summary>The end of the head: a line ending followed by an empty line (CRLF or a bare LF, as Go reads lines).</summary>
    private bool FindHeadEnd(int from, out int headEnd, out int next)
    {
        ReadOnlySpan<byte> data = _buffer.AsSpan(0, _end);
        int i = from;
        while (data[i..].IndexOf((byte)'\n') is int j and >= 0)
        {
            i += j;
            if (i + 1 < _end && data[i + 1] == '\n')
            {
                (headEnd, next) = (i, i + 2);
                return true;
            }

            if (i + 2 < _end && data[i + 1] == '\r' && data[i + 2] == '\n')
            {
                (headEnd, next) = (i, i + 3);
                return true;
            }

            i++;
        }

        headEnd = next = 0;
        return false;
    }

    /// <summary>Reads at most <paramref name="max"/> more bytes, moving or growing the buffer as needed.</summary>
    private async ValueTask<int> ReadMoreAsync(int max, CancellationToken cancel)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(InitialSize);
        if (_end == _buffer.Length)
        {
            int live = _end - _start;
            if (_start > 0 && live < _buffer.Length / 2)
            {
                _buffer.AsSpan(_start, live).CopyTo(_buffer);
            }
            else
            {
                byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, maxHeadBytes + InitialSize));
                _buffer.AsSpan(_start, live).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            (_start, _end) = (0, live);
        }

        int n = await stream.ReadAsync(_buffer.AsMemory(_end, Math.Min(max, _buffer.Length - _end)), cancel).ConfigureAwait(false);
        _end += n;
        return n;
    }

    private void Release()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _start = _end = 0;
    }
}
