using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NatsSharp.Load;

/// <summary>
/// A deliberately minimal raw-TCP NATS client connection built for throughput: blocking socket calls,
/// one large receive buffer scanned in place (no per-message allocation), and sends of caller-built batches.
/// </summary>
internal sealed class NatsConnection : IDisposable
{
    private const int InitialBufferSize = 1 << 20;
    private const int MinFreeSpace = 64 * 1024;
    private const int CompactBelow = 4096;

    private readonly Socket _socket;
    private readonly Lock _sendLock = new();
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2213", Justification = "Dispose sets it to release a waiting sender; disposing it too would make that waiter throw.")]
    private readonly ManualResetEventSlim _pongSignal = new(false, 0);
    private byte[] _buffer = new byte[InitialBufferSize];
    private int _start;
    private int _end;
    private long _skip;
    private long _received;
    private long _pingsSent;
    private long _pongs;
    private byte[]? _info;
    private Thread? _reader;
    private volatile bool _closed;
    private volatile string? _error;
    private int _disposed;

    private NatsConnection(Socket socket, string name)
    {
        _socket = socket;
        Name = name;
    }

    public string Name { get; }

    public ServerInfo Info { get; private set; } = ServerInfo.Empty;

    /// <summary>Optional delivery callbacks; set before <see cref="StartReader"/>.</summary>
    public IMessageSink? Sink { get; set; }

    /// <summary>MSG + HMSG deliveries seen so far.</summary>
    public long Received => Volatile.Read(ref _received);

    public bool IsClosed => _closed;

    /// <summary>Last -ERR text or transport failure, if any.</summary>
    public string? Error => _error;

    public static NatsConnection Connect(NatsUrl url, string name, Deadline deadline)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // A blocking connect: once a socket has done one async operation, .NET emulates every later blocking
            // receive through its epoll thread and a thread-pool hand-off (three wake-ups per reply in reqrep,
            // the client's own tail). The load client must stay out of the way; the run's hard timeout bounds it.
            socket.Connect(url.Host, url.Port);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new LoadException($"cannot connect to {url}: {ex.Message}", ex);
        }

        var conn = new NatsConnection(socket, name);
        try
        {
            // Backstop only: the process-wide hard timeout is what really bounds a run.
            int backstop = (int)Math.Clamp(deadline.Remaining.TotalMilliseconds, 1, int.MaxValue);
            socket.ReceiveTimeout = backstop;
            socket.SendTimeout = backstop;
            conn.PumpUntil(static c => c._info is not null, deadline, "INFO");
            conn.Info = ServerInfo.Parse(conn._info);
            if (conn.Info.TlsRequired)
            {
                throw new LoadException($"{url} requires TLS, which natsload does not speak");
            }

            conn.Send(BuildConnect(url, name));
            conn._pingsSent = 1;
            conn.PumpUntil(static c => c._pongs >= 1, deadline, "PONG after CONNECT");
            return conn;
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    /// <summary>Moves reads to a dedicated background thread (subscribers, publishers' PONGs, responders).</summary>
    public void StartReader()
    {
        _socket.ReceiveTimeout = 0;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = Name };
        _reader.Start();
    }

    public void Send(ReadOnlySpan<byte> data)
    {
        lock (_sendLock)
        {
            SendLocked(data);
        }
    }

    /// <summary>Sends a PING and returns the number of PONGs that acknowledges it.</summary>
    public long SendPing()
    {
        lock (_sendLock)
        {
            SendLocked("PING\r\n"u8);
            return ++_pingsSent;
        }
    }

    public long Pongs => Volatile.Read(ref _pongs);

    /// <summary>Round trip that proves the server has processed everything we sent before it.</summary>
    public void Flush(Deadline deadline) => WaitForPongs(SendPing(), deadline);

    public void WaitForPongs(long target, Deadline deadline)
    {
        if (_reader is null)
        {
            PumpUntil(c => c._pongs >= target, deadline, "PONG");
            return;
        }

        while (Volatile.Read(ref _pongs) < target)
        {
            _pongSignal.Reset();
            if (Volatile.Read(ref _pongs) >= target)
            {
                break;
            }

            ThrowIfClosed("PONG");
            deadline.ThrowIfExpired($"PONG on {Name}");
            _pongSignal.Wait(50);
        }
    }

    /// <summary>Reads inline (no reader thread) until the number of deliveries reaches <paramref name="target"/>.</summary>
    public void WaitForReceived(long target, Deadline deadline)
    {
        while (_received < target)
        {
            if (!Pump())
            {
                ThrowIfClosed("a reply");
            }

            if (deadline.IsExpired)
            {
                deadline.ThrowIfExpired($"a delivery on {Name}"); // the text only when it throws: no allocation per request
            }
        }
    }

    /// <summary>One blocking socket read plus scan; false once the connection is closed.</summary>
    public bool Pump()
    {
        PrepareBuffer();
        int n;
        try
        {
            n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            throw new LoadException($"{Name}: timed out waiting for the server");
        }
        catch (SocketException ex)
        {
            MarkClosed(ex.Message);
            return false;
        }
        catch (ObjectDisposedException)
        {
            MarkClosed(null);
            return false;
        }

        if (n == 0)
        {
            MarkClosed(null);
            return false;
        }

        _end += n;
        long delivered = Scan();
        if (delivered > 0)
        {
            Sink?.OnDelivered(this, delivered);
        }

        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _closed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        _socket.Dispose();
        _pongSignal.Set();
    }

    /// <summary>CONNECT + PING, as every natsload connection sends it.</summary>
    internal static byte[] BuildConnect(NatsUrl url, string name)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        buffer.Write("CONNECT "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("verbose", false);
            json.WriteBoolean("pedantic", false);
            json.WriteBoolean("headers", true);
            json.WriteBoolean("no_responders", true);
            json.WriteNumber("protocol", 1);
            json.WriteBoolean("echo", true);
            json.WriteString("lang", "natsload");
            json.WriteString("version", "0.1");
            json.WriteString("name", name);
            if (url.User is not null)
            {
                json.WriteString("user", url.User);
                json.WriteString("pass", url.Password);
            }

            if (url.Token is not null)
            {
                json.WriteString("auth_token", url.Token);
            }

            json.WriteEndObject();
        }

        buffer.Write("\r\nPING\r\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static int TrailingNumber(ReadOnlySpan<byte> line)
    {
        int i = line.Length - 1;
        while (i >= 0 && line[i] is (byte)' ' or (byte)'\t')
        {
            i--;
        }

        int value = 0, scale = 1, digits = 0;
        while (i >= 0 && (uint)(line[i] - '0') <= 9 && digits < 10)
        {
            value += (line[i] - '0') * scale;
            scale *= 10;
            digits++;
            i--;
        }

        if (digits == 0 || digits > 9 || i < 0 || line[i] is not ((byte)' ' or (byte)'\t'))
        {
            throw new LoadException("malformed delivery line: " + Encoding.ASCII.GetString(line));
        }

        return value;
    }

    private void ReadLoop()
    {
        try
        {
            while (Pump())
            {
            }
        }
        catch (Exception ex)
        {
            _error ??= ex.Message;
        }
        finally
        {
            MarkClosed(null);
            Sink?.OnClosed(this);
        }
    }

    private void PumpUntil(Func<NatsConnection, bool> done, Deadline deadline, string what)
    {
        while (!done(this))
        {
            if (_error is not null)
            {
                throw new LoadException($"{Name}: server error while waiting for {what}: {_error}");
            }

            deadline.ThrowIfExpired(what);
            if (!Pump())
            {
                ThrowIfClosed(what);
            }
        }
    }

    private void ThrowIfClosed(string what)
    {
        if (_closed)
        {
            throw new LoadException($"{Name}: connection closed while waiting for {what}" + (_error is null ? "" : ": " + _error));
        }
    }

    private void MarkClosed(string? reason)
    {
        if (reason is not null)
        {
            _error ??= reason;
        }

        _closed = true;
        _pongSignal.Set();
    }

    private void SendLocked(ReadOnlySpan<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                int n = _socket.Send(data, SocketFlags.None);
                data = data[n..];
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            MarkClosed("send timed out");
            throw new LoadException($"{Name}: timed out sending (the server stopped reading)", ex);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            string? earlier = _error;
            MarkClosed(ex.Message);
            throw new LoadException($"{Name}: send failed: {ex.Message}" + (earlier is null ? "" : $" (after: {earlier})"), ex);
        }
    }

    private void PrepareBuffer()
    {
        int pending = _end - _start;
        if (pending == 0)
        {
            _start = _end = 0;
            return;
        }

        // Leftovers are only a partial control line (payload bytes are skipped as they arrive), so moving them is cheap.
        if (_start > 0 && (pending < CompactBelow || _buffer.Length - _end < MinFreeSpace))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }

        if (_buffer.Length - _end < MinFreeSpace)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
    }

    /// <summary>Consumes every complete protocol line in the buffer; returns the number of MSG/HMSG seen.</summary>
    private long Scan()
    {
        byte[] buf = _buffer;
        int pos = _start;
        int end = _end;
        long skip = _skip;
        long count = 0;
        IMessageSink? detailed = Sink is { WantsMessages: true } sink ? sink : null;

        while (true)
        {
            if (skip > 0)
            {
                int available = end - pos;
                if (available <= skip)
                {
                    skip -= available;
                    pos = end;
                    break;
                }

                pos += (int)skip;
                skip = 0;
            }

            int nl = buf.AsSpan(pos, end - pos).IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }

            int lineLength = nl > 0 && buf[pos + nl - 1] == '\r' ? nl - 1 : nl;
            ReadOnlySpan<byte> line = buf.AsSpan(pos, lineLength);
            pos += nl + 1;
            if (line.IsEmpty)
            {
                continue;
            }

            switch (line[0] | 0x20)
            {
                case 'm':
                case 'h':
                    // MSG ... <size> / HMSG ... <hdr> <total>: the last token is what follows the line.
                    skip = (long)TrailingNumber(line) + 2;
                    count++;
                    if (detailed is not null)
                    {
                        Deliver(detailed, line);
                    }

                    break;
                case 'p':
                    if (line.Length >= 2 && (line[1] | 0x20) == 'i')
                    {
                        Send("PONG\r\n"u8);
                    }
                    else
                    {
                        Volatile.Write(ref _pongs, _pongs + 1);
                        _pongSignal.Set();
                    }

                    break;
                case 'i':
                    _info ??= line[Math.Min(4, line.Length)..].Trim((byte)' ').ToArray();
                    break;
                case '-':
                    _error = Encoding.ASCII.GetString(line);
                    _pongSignal.Set();
                    break;
                case '+':
                    break;
                default:
                    throw new LoadException($"{Name}: unexpected protocol line: {Encoding.ASCII.GetString(line[..Math.Min(line.Length, 80)])}");
            }
        }

        _start = pos;
        _skip = skip;
        if (count > 0)
        {
            Volatile.Write(ref _received, _received + count);
        }

        return count;
    }

    private void Deliver(IMessageSink sink, ReadOnlySpan<byte> line)
    {
        // Tokens: op subject sid [reply] size   (HMSG: op subject sid [reply] hdr total)
        Span<Range> tokens = stackalloc Range[7];
        int n = 0;
        int i = 0;
        while (i < line.Length && n < tokens.Length)
        {
            while (i < line.Length && line[i] is (byte)' ' or (byte)'\t')
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && line[i] is not ((byte)' ' or (byte)'\t'))
            {
                i++;
            }

            tokens[n++] = start..i;
        }

        int withReply = (line[0] | 0x20) == 'h' ? 6 : 5;
        if (n < withReply - 1)
        {
            throw new LoadException("malformed delivery line: " + Encoding.ASCII.GetString(line));
        }

        ReadOnlySpan<byte> reply = n >= withReply ? line[tokens[3]] : default;
        sink.OnMessage(this, line[tokens[1]], reply);
    }
}
