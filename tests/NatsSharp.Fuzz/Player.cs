using System.Net.Sockets;

namespace NatsSharp.Fuzz;

/// <summary>
/// Plays one stream on a fresh connection: waits for the server's INFO, writes the stream in its
/// cuts, then a PING (answered only if the server still reads), then closes its sending half so
/// that both servers end the connection after what they were sent; reads to the end.
/// </summary>
public static class Player
{
    public const string Closed = "<closed>";
    public const string StillOpen = "<still open>";
    private static readonly byte[] Ping = "PING\r\n"u8.ToArray();

    public static async Task<Outcome> PlayAsync(FuzzServer server, FuzzStream stream)
    {
        var reader = new FrameReader();
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await socket.ConnectAsync("127.0.0.1", server.PortFor(stream.Port), cts.Token);
        byte[] buffer = new byte[64 * 1024];
        string end = Closed;
        try
        {
            // INFO first: a stream written before it could be read as the reply to a different state.
            while (reader.Frames.Count == 0)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                reader.Add(buffer.AsSpan(0, n));
            }

            try
            {
                int from = 0;
                foreach (int cut in stream.Cuts.Append(stream.Bytes.Length))
                {
                    await socket.SendAsync(stream.Bytes.AsMemory(from, cut - from), SocketFlags.None, cts.Token);
                    from = cut;
                    if (stream.Slow)
                    {
                        await Task.Delay(1, cts.Token);
                    }
                }

                await socket.SendAsync(Ping, SocketFlags.None, cts.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The server closed while we still wrote: read what it sent before.
            }

            while (true)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    break;
                }

                reader.Add(buffer.AsSpan(0, n));
            }
        }
        catch (SocketException)
        {
            // A reset is a close too; what came before it is kept.
        }
        catch (OperationCanceledException)
        {
            end = StillOpen;
        }

        // A random queue pick among members on this connection is compared per group; the order of
        // one publish's messages to several of its subscriptions as a multiset.
        List<string> replies = SamePublish.Normalize(QueueGroups.Of(stream).Normalize(reader.Normalized()));
        if (reader.Rest is { } rest)
        {
            replies.Add(rest);
        }

        replies.Add(end);
        List<string> observed;
        try
        {
            observed = await server.Observer.DrainAsync();
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"{server.Name}, after {stream.Profile.Name}:{stream.Port}:{stream.Seed}: {ex.Message}", ex);
        }

        return new Outcome(replies, observed);
    }
}
