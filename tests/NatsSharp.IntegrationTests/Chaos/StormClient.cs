using System.Net.Sockets;
using System.Text;

namespace NatsSharp.IntegrationTests.Chaos;

/// <summary>
/// A minimal NATS client for storms of thousands: connect, INFO, CONNECT+PING, PONG; after a
/// disconnect it dials again every few tens of milliseconds (with jitter, as clients do) until served.
/// </summary>
public sealed class StormClient : IDisposable
{
    private static readonly byte[] Hello = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n"u8.ToArray();
    private readonly int _port;
    private Socket? _socket;

    public StormClient(int port) => _port = port;

    /// <summary>When the last PONG arrived (Stopwatch ticks).</summary>
    public long ServedAt { get; private set; }

    /// <summary>Dials until a PONG comes back or <paramref name="deadline"/> passes; true when served.</summary>
    public async Task<bool> ConnectAsync(CancellationToken deadline)
    {
        while (!deadline.IsCancellationRequested)
        {
            _socket?.Dispose();
            _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(deadline);
                attempt.CancelAfter(TimeSpan.FromSeconds(3)); // an attempt the server never served: dial again
                await _socket.ConnectAsync("127.0.0.1", _port, attempt.Token);
                await ReadUntilAsync("INFO ", attempt.Token);
                await _socket.SendAsync(Hello, attempt.Token);
                await ReadUntilAsync("PONG\r\n", attempt.Token);
                ServedAt = System.Diagnostics.Stopwatch.GetTimestamp();
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                if (deadline.IsCancellationRequested)
                {
                    return false;
                }

                await Task.Delay(Random.Shared.Next(10, 50), CancellationToken.None); // reconnect wait with jitter
            }
        }

        return false;
    }

    /// <summary>Waits for the server to go (read returns 0 or fails).</summary>
    public async Task WaitClosedAsync(CancellationToken deadline)
    {
        byte[] buffer = new byte[1024];
        try
        {
            while (await _socket!.ReceiveAsync(buffer, deadline) > 0)
            {
            }
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
        }
    }

    private async Task ReadUntilAsync(string text, CancellationToken cancel)
    {
        var seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!seen.ToString().Contains(text, StringComparison.Ordinal))
        {
            int n = await _socket!.ReceiveAsync(buffer, cancel);
            if (n == 0)
            {
                throw new IOException("closed by the server");
            }

            seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
    }

    public void Dispose() => _socket?.Dispose();
}
