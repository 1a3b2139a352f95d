using System.Net.Sockets;
using System.Text;

namespace NatsSharp.Fuzz;

/// <summary>
/// A subscriber to <c>&gt;</c> on its own connection: after each stream it publishes a marker to
/// itself and hands back every message that arrived before the marker. It answers the server's PINGs.
/// </summary>
public sealed class Observer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly FrameReader _reader = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _marker;

    /// <summary>How many server PINGs it answered.</summary>
    public int PingsAnswered { get; private set; }

    private Observer(Socket socket) => _socket = socket;

    public static async Task<Observer> ConnectAsync(int port, FuzzProfile profile)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync("127.0.0.1", port);
        var observer = new Observer(socket);
        string connect = "CONNECT {" + profile.ObserverAuth + "\"verbose\":false,\"pedantic\":false,\"headers\":true,\"echo\":true}\r\nSUB > 1\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(connect));
        await observer.DrainAsync();
        return observer;
    }

    /// <summary>Every message since the last call, in order.</summary>
    public async Task<List<string>> DrainAsync()
    {
        string marker = "_FUZZSYNC." + (++_marker).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _socket.SendAsync(Encoding.ASCII.GetBytes($"PUB {marker} 0\r\n\r\n"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (true)
        {
            int index = _reader.Frames.FindIndex(f => f.StartsWith("MSG " + marker + " ", StringComparison.Ordinal));
            if (index >= 0)
            {
                List<string> seen = _reader.Frames.GetRange(0, index);
                _reader.Frames.RemoveRange(0, index + 1);
                return seen;
            }

            int n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                throw new InvalidOperationException("the observer's connection closed: " + string.Join(" / ", _reader.Frames));
            }

            int pings = _reader.Pings;
            _reader.Add(_buffer.AsSpan(0, n));
            if (_reader.Pings > pings)
            {
                // Unanswered, both servers close the observer as stale after about 4 minutes (the run would stop there).
                await _socket.SendAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PONG\r\n", _reader.Pings - pings))));
                PingsAnswered = _reader.Pings;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
