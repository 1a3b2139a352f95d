using System.Globalization;
using System.Text;
using NatsSharp.Server.Accounts;
using NatsSharp.Server.Internal;

namespace NatsSharp.Server.JetStream.Snapshots;

/// <summary>
/// The write end of a snapshot: cuts what is written into chunks of <c>chunk_size</c> bytes and publishes
/// each on the deliver subject with the reply <c>$JS.SNAPSHOT.ACK.&lt;stream&gt;.&lt;id&gt;.&lt;size&gt;.&lt;index&gt;</c>,
/// then the empty end message (no reply), as nats-server 2.9.10's streamSnapshot. Flow control is
/// nats-server's: a client's (empty) answer to a chunk's reply takes its size off the bytes outstanding;
/// above 8 MiB outstanding the next chunk waits for an answer, at most 10 ms, and the snapshot stops when
/// nobody listens on the deliver subject any more. The server's own send queue is drained every MiB,
/// so a snapshot holds at most a chunk, a read batch and the window.
/// </summary>
internal sealed class SnapshotChunkSender : Stream
{
    public const int DefaultChunkSize = 128 * 1024;
    private const int Window = 8 * 1024 * 1024;
    private const int DrainEvery = 1024 * 1024;
    private static readonly TimeSpan AckWait = TimeSpan.FromMilliseconds(10);

    private readonly ServerClient _client;
    private readonly Account _account;
    private readonly string _deliverSubject;
    private readonly byte[] _deliverSubjectBytes;
    private readonly string _ackPrefix;
    private readonly byte[] _chunk;
    private readonly AutoResetEvent _acked = new(false);
    private int _filled;
    private int _index;
    private long _outstanding;
    private long _sinceDrain;

    public SnapshotChunkSender(ServerClient client, Account account, string deliverSubject, string ackPrefix, int chunkSize)
    {
        _client = client;
        _account = account;
        _deliverSubject = deliverSubject;
        _deliverSubjectBytes = Encoding.UTF8.GetBytes(deliverSubject);
        _ackPrefix = ackPrefix;
        _chunk = new byte[chunkSize];
    }

    /// <summary>Set when the deliver subject lost its last subscriber: what is written afterwards is dropped.</summary>
    public bool Aborted { get; private set; }

    /// <summary>Bytes sent in chunks so far.</summary>
    public long Sent { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>nats-server gives a deliver subject without interest up to 2 s to get some before it sends.</summary>
    public void WaitForInterest(TimeSpan limit)
    {
        for (int i = 0; i < (int)(limit.TotalMilliseconds / 10) && !HasInterest(); i++)
        {
            Thread.Sleep(10);
        }
    }

    /// <summary>An answer on <c>$JS.SNAPSHOT.ACK.&lt;stream&gt;.&lt;id&gt;.&lt;size&gt;.&lt;index&gt;</c>.</summary>
    public void OnAck(ReadOnlySpan<byte> subject)
    {
        int end = subject.LastIndexOf((byte)'.');
        if (end <= 0)
        {
            return;
        }

        int start = subject[..end].LastIndexOf((byte)'.') + 1;
        if (int.TryParse(subject[start..end], NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            && Interlocked.Add(ref _outstanding, -size) < Window)
        {
            _acked.Set();
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty && !Aborted)
        {
            int n = Math.Min(buffer.Length, _chunk.Length - _filled);
            buffer[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _chunk.Length)
            {
                SendChunk();
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>Nothing: a chunk goes out when full or at <see cref="Finish"/>, not on the compressor's flushes.</summary>
    public override void Flush()
    {
    }

    /// <summary>Sends what is left as the last data chunk, then the empty end message.</summary>
    public void Finish()
    {
        if (_filled > 0 && !Aborted)
        {
            SendChunk();
        }

        SendEnd();
    }

    /// <summary>The empty message that tells the client the snapshot is complete (also after an abort, as nats-server).</summary>
    public void SendEnd()
    {
        _filled = 0;
        _client.Publish(_account, _deliverSubject, null, default);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _acked.Dispose();
        }

        base.Dispose(disposing);
    }

    private void SendChunk()
    {
        if (Interlocked.Read(ref _outstanding) > Window)
        {
            if (!HasInterest())
            {
                Aborted = true;
                _filled = 0;
                return;
            }

            _acked.WaitOne(AckWait);
        }

        int size = _filled;
        _filled = 0;
        _index++;
        string reply = string.Create(CultureInfo.InvariantCulture, $"{_ackPrefix}.{size}.{_index}");
        _client.Publish(_account, _deliverSubject, reply, _chunk.AsSpan(0, size));
        Interlocked.Add(ref _outstanding, size);
        Sent += size;
        _sinceDrain += size;
        if (_sinceDrain >= DrainEvery)
        {
            _sinceDrain = 0;
            _client.FlushAsync().GetAwaiter().GetResult(); // the send queue never holds more than a MiB of chunks
            if (!HasInterest())
            {
                Aborted = true;
            }
        }
    }

    private bool HasInterest() => !_account.Sublist.Match(_deliverSubjectBytes).IsEmpty;
}
