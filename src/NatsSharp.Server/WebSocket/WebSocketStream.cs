using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace NatsSharp.Server.WebSocket;

/// <summary>
/// RFC 6455 framing after the HTTP upgrade, for both ends: a leafnode we dialled over websocket
/// (LeafNodes/LeafWebSocketHandshake) and a client accepted on the websocket port
/// (<see cref="WebSocketHandshake"/>). Each write becomes one binary frame — the write loop hands
/// over a whole batch at once — masked when we are the client and the hub did not agree to
/// <c>Nats-No-Masking</c>, and deflated (permessage-deflate, no context takeover) when negotiated
/// and larger than 64 bytes, as nats-server does. Reads return the payload of binary and text
/// frames, fragmented or not; pings are answered, a close frame is echoed and ends the stream. As
/// the server, a client frame without a mask is a protocol error (unless it asked for no masking).
/// Our own framing rather than System.Net.WebSockets: a client WebSocket there always masks.
/// </summary>
internal sealed class WebSocketStream : Stream
{
    private const byte FinalBit = 0x80;
    private const byte Rsv1Bit = 0x40; // compressed message
    private const byte MaskBit = 0x80;
    private const int OpContinuation = 0;
    private const int OpText = 1;
    private const int OpBinary = 2;
    private const int OpClose = 8;
    private const int OpPing = 9;
    private const int OpPong = 10;
    private const int MaxHeader = 14;
    private const int CompressThreshold = 64; // nats-server does not compress smaller buffers

    // What ends a sync-flushed deflate block, and an empty final block so the inflater sees a whole stream.
    private static readonly byte[] DeflateTail = [0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff];

    private readonly Stream _inner;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213", Justification = "A writer may still be waiting on it when the stream closes; without AvailableWaitHandle it holds no OS handle.")]
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _in = new byte[64 * 1024];
    private int _inStart;
    private int _inEnd;

    // The data frame being read.
    private long _frameRemaining;
    private bool _frameFinal;
    private bool _frameMasked;
    private readonly byte[] _frameMask = new byte[4];
    private int _maskPosition;
    private bool _messageCompressed;
    private bool _midMessage;
    private MemoryStream? _compressedMessage;
    private byte[] _inflated = [];
    private int _inflatedPosition;
    private int _inflatedLength;
    private bool _closeReceived;
    private MemoryStream? _deflateOutput;

    /// <param name="alreadyRead">Bytes that arrived with the HTTP response, after its headers.</param>
    /// <param name="requireMaskedReads">Server side: frames must be masked, as RFC 6455 demands of clients.</param>
    public WebSocketStream(Stream inner, bool maskWrites, bool compress, ReadOnlySpan<byte> alreadyRead, bool requireMaskedReads = false)
    {
        _inner = inner;
        MaskWrites = maskWrites;
        RequireMaskedReads = requireMaskedReads;
        Compress = compress;
        alreadyRead.CopyTo(_in);
        _inEnd = alreadyRead.Length;
    }

    public bool MaskWrites { get; }

    public bool RequireMaskedReads { get; }

    public bool Compress { get; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_inflatedPosition < _inflatedLength)
            {
                int n = Math.Min(buffer.Length, _inflatedLength - _inflatedPosition);
                _inflated.AsSpan(_inflatedPosition, n).CopyTo(buffer.Span);
                _inflatedPosition += n;
                return n;
            }

            if (_closeReceived)
            {
                return 0;
            }

            if (_frameRemaining > 0)
            {
                if (_inEnd == _inStart && !await FillAsync(1, cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }

                int n = (int)Math.Min(_frameRemaining, _inEnd - _inStart);
                if (!_messageCompressed)
                {
                    n = Math.Min(n, buffer.Length);
                }

                Span<byte> payload = _in.AsSpan(_inStart, n);
                if (_frameMasked)
                {
                    _maskPosition = Mask(payload, _frameMask, _maskPosition);
                }

                _inStart += n;
                _frameRemaining -= n;
                if (!_messageCompressed)
                {
                    payload.CopyTo(buffer.Span);
                    return n;
                }

                _compressedMessage!.Write(payload);
                if (_frameRemaining == 0 && _frameFinal)
                {
                    Inflate();
                }

                continue;
            }

            if (!await ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }
    }

    /// <summary>Reads one frame header; control frames are handled here whole. False at the end of the stream.</summary>
    private async ValueTask<bool> ReadFrameHeaderAsync(CancellationToken cancel)
    {
        if (!await FillAsync(2, cancel).ConfigureAwait(false))
        {
            return false;
        }

        byte b0 = _in[_inStart];
        byte b1 = _in[_inStart + 1];
        int opcode = b0 & 0x0F;
        bool masked = (b1 & MaskBit) != 0;
        if (RequireMaskedReads && !masked)
        {
            await ProtocolErrorAsync("mask bit missing", cancel).ConfigureAwait(false);
        }

        int length7 = b1 & 0x7F;
        int headerSize = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (!await FillAsync(headerSize, cancel).ConfigureAwait(false))
        {
            return false;
        }

        Span<byte> header = _in.AsSpan(_inStart, headerSize);
        long length = length7 switch
        {
            126 => BinaryPrimitives.ReadUInt16BigEndian(header[2..]),
            127 => (long)BinaryPrimitives.ReadUInt64BigEndian(header[2..]),
            _ => length7,
        };
        if (masked)
        {
            header[(headerSize - 4)..].CopyTo(_frameMask);
        }

        _inStart += headerSize;
        bool final = (b0 & FinalBit) != 0;
        switch (opcode)
        {
            case OpClose or OpPing or OpPong:
                if (length > 125)
                {
                    await ProtocolErrorAsync("control frame length bigger than maximum allowed of 125 bytes", cancel).ConfigureAwait(false);
                }

                if (!final)
                {
                    await ProtocolErrorAsync("control frame does not have final bit set", cancel).ConfigureAwait(false);
                }

                if (!await FillAsync((int)length, cancel).ConfigureAwait(false))
                {
                    return false;
                }

                byte[] body = _in.AsSpan(_inStart, (int)length).ToArray();
                _inStart += (int)length;
                if (masked)
                {
                    Mask(body, _frameMask, 0);
                }

                await OnControlFrameAsync(opcode, body, cancel).ConfigureAwait(false);
                return true;
            case OpText or OpBinary:
                if (_midMessage)
                {
                    await ProtocolErrorAsync("new message started before final frame for previous message was received", cancel).ConfigureAwait(false);
                }

                _messageCompressed = (b0 & Rsv1Bit) != 0;
                if (_messageCompressed)
                {
                    (_compressedMessage ??= new MemoryStream()).SetLength(0);
                }

                break;
            case OpContinuation:
                if (!_midMessage || (b0 & Rsv1Bit) != 0)
                {
                    await ProtocolErrorAsync("invalid continuation frame", cancel).ConfigureAwait(false);
                }

                break;
            default:
                await ProtocolErrorAsync($"unknown opcode {opcode}", cancel).ConfigureAwait(false);
                break;
        }

        _midMessage = !final;
        _frameFinal = final;
        _frameMasked = masked;
        _maskPosition = 0;
        _frameRemaining = length;
        if (length == 0 && final && _messageCompressed)
        {
            Inflate();
        }

        return true;
    }

    /// <summary>As nats-server: a close frame with status 1002 and the reason, then the connection ends with it.</summary>
    private async ValueTask ProtocolErrorAsync(string reason, CancellationToken cancel)
    {
        byte[] body = new byte[2 + Math.Min(reason.Length, 123)];
        BinaryPrimitives.WriteUInt16BigEndian(body, 1002);
        System.Text.Encoding.ASCII.GetBytes(reason.AsSpan(0, body.Length - 2), body.AsSpan(2));
        try
        {
            await WriteFrameAsync(OpClose, body, compressed: false, cancel).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The peer may already be gone; the error below ends the connection either way.
        }

        throw new IOException(reason);
    }

    private async ValueTask OnControlFrameAsync(int opcode, byte[] body, CancellationToken cancel)
    {
        if (opcode == OpPing)
        {
            await WriteFrameAsync(OpPong, body, compressed: false, cancel).ConfigureAwait(false);
        }
        else if (opcode == OpClose)
        {
            _closeReceived = true;
            try
            {
                await WriteFrameAsync(OpClose, body.Length >= 2 ? body.AsMemory(0, 2) : ReadOnlyMemory<byte>.Empty, compressed: false, cancel).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The hub may already be gone; the stream ends either way.
            }
        }
    }

    /// <summary>Inflates a whole compressed message (nats-server compresses without context takeover).</summary>
    private void Inflate()
    {
        MemoryStream compressed = _compressedMessage!;
        compressed.Write(DeflateTail);
        compressed.Position = 0;
        using var inflater = new DeflateStream(compressed, CompressionMode.Decompress, leaveOpen: true);
        _inflatedLength = 0;
        _inflatedPosition = 0;
        while (true)
        {
            if (_inflatedLength == _inflated.Length)
            {
                Array.Resize(ref _inflated, Math.Max(4096, _inflated.Length * 2));
            }

            int n = inflater.Read(_inflated, _inflatedLength, _inflated.Length - _inflatedLength);
            if (n == 0)
            {
                break;
            }

            _inflatedLength += n;
        }

        compressed.SetLength(0);
        _messageCompressed = false;
    }

    /// <summary>Makes at least <paramref name="needed"/> unread bytes available; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(int needed, CancellationToken cancel)
    {
        if (_inEnd - _inStart >= needed)
        {
            return true;
        }

        if (_inStart > 0)
        {
            Buffer.BlockCopy(_in, _inStart, _in, 0, _inEnd - _inStart);
            _inEnd -= _inStart;
            _inStart = 0;
        }

        while (_inEnd < needed)
        {
            int n = await _inner.ReadAsync(_in.AsMemory(_inEnd), cancel).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            _inEnd += n;
        }

        return true;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Compress && buffer.Length > CompressThreshold && TryDeflate(buffer, out ReadOnlyMemory<byte> deflated))
        {
            await WriteFrameAsync(OpBinary, deflated, compressed: true, cancellationToken).ConfigureAwait(false);
            return;
        }

        await WriteFrameAsync(OpBinary, buffer, compressed: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One frame, header and (masked) payload in a single write; pongs from the read side share the lock.</summary>
    private async ValueTask WriteFrameAsync(int opcode, ReadOnlyMemory<byte> payload, bool compressed, CancellationToken cancel)
    {
        await _writeLock.WaitAsync(cancel).ConfigureAwait(false);
        byte[] frame = ArrayPool<byte>.Shared.Rent(MaxHeader + payload.Length);
        try
        {
            int headerSize = WriteHeader(frame, opcode, payload.Length, compressed);
            Span<byte> body = frame.AsSpan(headerSize, payload.Length);
            payload.Span.CopyTo(body);
            if (MaskWrites)
            {
                Span<byte> key = frame.AsSpan(headerSize - 4, 4);
                Mask(body, key, 0);
            }

            await _inner.WriteAsync(frame.AsMemory(0, headerSize + payload.Length), cancel).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
            _writeLock.Release();
        }
    }

    private int WriteHeader(Span<byte> frame, int opcode, int length, bool compressed)
    {
        frame[0] = (byte)(FinalBit | (compressed ? Rsv1Bit : 0) | opcode);
        byte mask = MaskWrites ? MaskBit : (byte)0;
        int size;
        if (length <= 125)
        {
            frame[1] = (byte)(mask | length);
            size = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            frame[1] = (byte)(mask | 126);
            BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)length);
            size = 4;
        }
        else
        {
            frame[1] = (byte)(mask | 127);
            BinaryPrimitives.WriteUInt64BigEndian(frame[2..], (ulong)length);
            size = 10;
        }

        if (MaskWrites)
        {
            RandomNumberGenerator.Fill(frame.Slice(size, 4));
            size += 4;
        }

        return size;
    }

    /// <summary>Deflates one batch on its own (no context takeover); the sync-flush tail is left off as RFC 7692 says.</summary>
    private bool TryDeflate(ReadOnlyMemory<byte> data, out ReadOnlyMemory<byte> deflated)
    {
        MemoryStream output = _deflateOutput ??= new MemoryStream();
        output.SetLength(0);
        int length;
        using (var deflater = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(data.Span);
            deflater.Flush(); // Z_SYNC_FLUSH: ends with 00 00 ff ff
            length = (int)output.Length;
        }

        byte[] bytes = output.GetBuffer();
        if (length < 4 || !bytes.AsSpan(length - 4, 4).SequenceEqual(DeflateTail.AsSpan(0, 4)))
        {
            deflated = default;
            return false;
        }

        deflated = bytes.AsMemory(0, length - 4);
        return true;
    }

    /// <summary>XORs with the 4-byte key from <paramref name="position"/> on; returns the next key position.</summary>
    private static int Mask(Span<byte> data, ReadOnlySpan<byte> key, int position)
    {
        int i = 0;
        if (data.Length >= 16)
        {
            Span<byte> pattern = stackalloc byte[8];
            for (int k = 0; k < 8; k++)
            {
                pattern[k] = key[(position + k) & 3];
            }

            ulong wide = MemoryMarshal.Read<ulong>(pattern);
            Span<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            for (int w = 0; w < words.Length; w++)
            {
                words[w] ^= wide;
            }

            i = words.Length * 8;
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= key[(position + i) & 3];
        }

        return (position + data.Length) & 3;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _compressedMessage?.Dispose();
            _deflateOutput?.Dispose();
        }

        base.Dispose(disposing);
    }
}
