using System.Net.Sockets;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// A tiny blocking request/reply client for setting up JetStream runs ($JS.API stream and consumer
/// requests): unlike <see cref="NatsConnection"/> it reads reply payloads, and it is never on a measured path.
/// </summary>
internal sealed class JsAdmin : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[1 << 20];
    private readonly string _inbox = "_INBOX.natsload.admin." + Guid.NewGuid().ToString("N");
    private int _start;
    private int _end;

    public JsAdmin(NatsUrl url, Deadline deadline)
    {
        _client = new TcpClient { NoDelay = true };
        int backstop = (int)Math.Clamp(deadline.Remaining.TotalMilliseconds, 1, int.MaxValue);
        _client.ReceiveTimeout = backstop;
        _client.SendTimeout = backstop;
        try
        {
            _client.Connect(url.Host, url.Port);
        }
        catch (SocketException ex)
        {
            _client.Dispose();
            throw new LoadException($"cannot connect to {url}: {ex.Message}", ex);
        }

        _stream = _client.GetStream();
        ReadLine(); // INFO
        _stream.Write(NatsConnection.BuildConnect(url, "natsload-admin"));
        _stream.Write(Encoding.ASCII.GetBytes($"SUB {_inbox} 1\r\nPING\r\n"));
        while (true)
        {
            string line = ReadLine();
            if (line.StartsWith("PONG", StringComparison.Ordinal))
            {
                break;
            }

            if (line.StartsWith("-ERR", StringComparison.Ordinal))
            {
                throw new LoadException("server refused the admin connection: " + line);
            }
        }
    }

    /// <summary>Sends a request and returns the reply payload (headers stripped).</summary>
    public string Request(string subject, string payload)
    {
        byte[] body = Encoding.UTF8.GetBytes(payload);
        _stream.Write(Encoding.ASCII.GetBytes($"PUB {subject} {_inbox} {body.Length}\r\n"));
        _stream.Write(body);
        _stream.Write("\r\n"u8);
        while (true)
        {
            string line = ReadLine();
            if (line.StartsWith("PING", StringComparison.Ordinal))
            {
                _stream.Write("PONG\r\n"u8);
                continue;
            }

            if (line.StartsWith("-ERR", StringComparison.Ordinal))
            {
                throw new LoadException($"{subject}: {line}");
            }

            bool headers = line.StartsWith("HMSG", StringComparison.Ordinal);
            if (!headers && !line.StartsWith("MSG", StringComparison.Ordinal))
            {
                continue;
            }

            string[] tokens = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int total = int.Parse(tokens[^1], System.Globalization.CultureInfo.InvariantCulture);
            int headerLength = headers ? int.Parse(tokens[^2], System.Globalization.CultureInfo.InvariantCulture) : 0;
            byte[] message = ReadExact(total + 2);
            string header = Encoding.ASCII.GetString(message, 0, headerLength);
            if (headers && total == headerLength && header.StartsWith("NATS/1.0 503", StringComparison.Ordinal))
            {
                throw new LoadException($"{subject}: no responders (is JetStream enabled?)");
            }

            return Encoding.UTF8.GetString(message, headerLength, total - headerLength);
        }
    }

    /// <summary>A request whose JSON reply must not carry an "error" object.</summary>
    public string RequestOk(string subject, string payload)
    {
        string reply = Request(subject, payload);
        if (reply.Contains("\"error\"", StringComparison.Ordinal))
        {
            throw new LoadException($"{subject}: {reply}");
        }

        return reply;
    }

    /// <summary>The number after "<paramref name="key"/>": in a JSON reply (first occurrence), or -1.</summary>
    public static long Field(string json, string key)
    {
        string tag = "\"" + key + "\":";
        int i = json.IndexOf(tag, StringComparison.Ordinal);
        if (i < 0)
        {
            return -1;
        }

        i += tag.Length;
        while (i < json.Length && json[i] == ' ')
        {
            i++;
        }

        int j = i;
        while (j < json.Length && char.IsAsciiDigit(json[j]))
        {
            j++;
        }

        return j > i ? long.Parse(json.AsSpan(i, j - i), System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
    }

    private string ReadLine()
    {
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, nl).TrimEnd('\r');
                _start += nl + 1;
                return line;
            }

            Fill();
        }
    }

    private byte[] ReadExact(int count)
    {
        var result = new byte[count];
        int have = 0;
        while (have < count)
        {
            if (_start == _end)
            {
                Fill();
            }

            int n = Math.Min(count - have, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(have));
            _start += n;
            have += n;
        }

        return result;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new LoadException("admin reply too large");
        }

        int n;
        try
        {
            n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        }
        catch (IOException ex)
        {
            throw new LoadException("admin connection: " + ex.Message, ex);
        }

        if (n == 0)
        {
            throw new LoadException("admin connection closed by the server");
        }

        _end += n;
    }
}
