using System.Text;

namespace NatsSharp.Server.WebSocket;

/// <summary>
/// The head of an HTTP/1.1 request or response as the websocket upgrade uses it, on both sides
/// (our websocket listener, and a leaf dialling a hub's websocket port): read up to the blank
/// line within a bound, then its first line and its headers.
/// </summary>
internal sealed class HttpHead
{
    private readonly List<(string Name, string Value)> _headers = [];

    private HttpHead(string head)
    {
        string[] lines = head.Split("\r\n");
        FirstLine = lines[0];
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                _headers.Add((line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }
    }

    /// <summary>The request line or the status line.</summary>
    public string FirstLine { get; }

    public static HttpHead Parse(string head) => new(head);

    /// <summary>The first value of a header (names compare without case), or null.</summary>
    public string? Header(string name) => Values(name).FirstOrDefault();

    /// <summary>Every value of a header, in order.</summary>
    public IEnumerable<string> Values(string name) =>
        _headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>Whether a comma-separated header lists <paramref name="token"/> (case-insensitive).</summary>
    public bool HasToken(string name, string token) =>
        Values(name).SelectMany(v => v.Split(',')).Any(t => t.Trim(' ', '\t').Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads up to the blank line: the head (null when the peer closed first) and the bytes that
    /// came after it. More than <paramref name="max"/> bytes without a blank line throws
    /// <see cref="IOException"/> with <paramref name="tooLarge"/>: nothing more is buffered.
    /// </summary>
    public static async Task<(string? Head, byte[] After)> ReadAsync(Stream transport, int max, string tooLarge, CancellationToken cancel)
    {
        byte[] buffer = new byte[max];
        int length = 0;
        while (true)
        {
            int end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..length]);
            }

            if (length == buffer.Length)
            {
                throw new IOException(tooLarge);
            }

            int n = await transport.ReadAsync(buffer.AsMemory(length), cancel).ConfigureAwait(false);
            if (n == 0)
            {
                return (null, []);
            }

            length += n;
        }
    }
}
