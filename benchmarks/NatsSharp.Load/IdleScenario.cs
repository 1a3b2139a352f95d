using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// What an idle client costs the server in memory, as an operator would read it off the process: the server's RSS
/// once settled (after one client came and went, so first-connection set-up is not counted), then --msgs clients
/// connect, each as a real idle client does (CONNECT, one SUB to its own inbox wildcard, PING, its PONG), at most
/// <see cref="InFlight"/> handshakes at a time, and stay connected; the server's RSS once settled again. Reports
/// (RSS after − RSS before) / clients. Both RSS figures wait (up to --hold each) until the last 5 s of samples moved
/// by at most 1%, so neither a garbage collection still to come nor one just run decides the figure.
/// </summary>
internal static class IdleScenario
{
    /// <summary>Handshakes in flight at once: a steady arrival of clients, not a storm (see StormScenario).</summary>
    private const int InFlight = 500;

    private static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(5);

    private static readonly byte[] Pong = "PONG\r\n"u8.ToArray();

    public static RunResult Run(Options o, Deadline deadline)
    {
        NatsUrl url = NatsUrl.Parse(o.Url);
        IPAddress address = Dns.GetHostAddresses(url.Host)[0];
        var endpoint = new IPEndPoint(address, url.Port);
        byte[] connect = NatsConnection.BuildConnect(url, "natsload-idle");
        byte[] connectNoPing = connect.AsSpan(0, connect.Length - "PING\r\n".Length).ToArray();
        int clients = (int)o.Msgs;
        var sockets = new Socket?[clients + 1];
        using var cts = new CancellationTokenSource(deadline.Remaining);
        var done = new long[clients + 1];
        try
        {
            // One client first, closed again: the server's one-time set-up for its first connection is not per client.
            sockets[clients] = Connect(address, clients);
            string? info = HandshakeAsync(sockets[clients]!, endpoint, Handshake(connectNoPing, clients), true, done, clients, cts.Token)
                .WaitAsync(deadline.Remaining).GetAwaiter().GetResult();

            sockets[clients]!.Dispose();
            sockets[clients] = null;

            (long before, bool settledBefore) = ServerRss.Settle(o.Pid, SettleWindow, Min(o.Hold, deadline.Remaining));
            long start = Stopwatch.GetTimestamp();
            int ok = 0;
            string? firstError = null;
            for (int first = 0; first < clients && firstError is null; first += InFlight)
            {
                int count = Math.Min(InFlight, clients - first);
                var tasks = new Task<string?>[count];
                for (int k = 0; k < count; k++)
                {
                    int i = first + k;
                    sockets[i] = Connect(address, i);
                    tasks[k] = HandshakeAsync(sockets[i]!, endpoint, Handshake(connectNoPing, i), false, done, i, cts.Token);
                }

                (int served, string? error) = WaitAndCount(tasks, deadline.Remaining);
                ok += served;
                firstError ??= error;
            }

            RunResult result = StormScenario.HandshakeResult(o, info, Stopwatch.GetTimestamp() - start, clients, ok, firstError);
            if (!result.Ok)
            {
                return result;
            }

            (long after, bool settledAfter) = ServerRss.Settle(o.Pid, SettleWindow, Min(o.Hold, deadline.Remaining));
            result.RssBeforeKb = before;
            result.RssAfterKb = after;
            result.RssSettled = settledBefore && settledAfter;
            return result;
        }
        finally
        {
            cts.Cancel();
            foreach (Socket? s in sockets)
            {
                s?.Dispose();
            }
        }
    }

    private static Socket Connect(IPAddress address, int i)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        BindSource(socket, address, i);
        return socket;
    }

    /// <summary>CONNECT, a SUB to the client's own inbox (as a client's request mux does), PING.</summary>
    private static byte[] Handshake(byte[] connectNoPing, int i)
    {
        byte[] sub = Encoding.ASCII.GetBytes($"SUB _INBOX.natsload{i}.* 1\r\nPING\r\n");
        return [.. connectNoPing, .. sub];
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Binds client <paramref name="i"/>'s socket to its source address (<see cref="StormScenario.SourceAddress"/>) when the server is on loopback.</summary>
    private static void BindSource(Socket socket, IPAddress server, int i)
    {
        if (!OperatingSystem.IsLinux() || server.AddressFamily != AddressFamily.InterNetwork || !IPAddress.IsLoopback(server))
        {
            return;
        }

        socket.SetRawSocketOption(0 /* IPPROTO_IP */, 24 /* IP_BIND_ADDRESS_NO_PORT */, BitConverter.GetBytes(1));
        socket.Bind(new IPEndPoint(new IPAddress(StormScenario.SourceAddress(i)), 0));
    }

    /// <summary>Waits (bounded) for the clients' handshakes: how many got their PONG, and the first failure.</summary>
    private static (int Ok, string? FirstError) WaitAndCount(Task<string?>[] tasks, TimeSpan timeout)
    {
        try
        {
            Task.WaitAll(tasks, timeout);
        }
        catch (AggregateException)
        {
            // Each failure is counted below.
        }

        int ok = 0;
        string? firstError = null;
        foreach (Task<string?> t in tasks)
        {
            if (t.IsCompletedSuccessfully)
            {
                ok++;
            }
            else
            {
                firstError ??= t.IsCompleted ? t.Exception?.InnerException?.Message ?? "cancelled" : "timed out";
            }
        }

        return (ok, firstError);
    }

    /// <summary>Connect, read INFO, CONNECT + PING, read to the PONG. Returns the INFO line of the first client.</summary>
    private static async Task<string?> HandshakeAsync(Socket socket, IPEndPoint endpoint, byte[] connect, bool keepInfo, long[] done, int index, CancellationToken ct)
    {
        await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
        byte[] buffer = new byte[4096];
        int filled = await ReadUntilAsync(socket, buffer, 0, "\r\n"u8.ToArray(), ct).ConfigureAwait(false);
        int lineEnd = buffer.AsSpan(0, filled).IndexOf("\r\n"u8);
        if (!buffer.AsSpan().StartsWith("INFO "u8))
        {
            throw new LoadException("the server sent no INFO: " + Encoding.ASCII.GetString(buffer, 0, lineEnd));
        }

        string? info = keepInfo ? Encoding.UTF8.GetString(buffer, 0, lineEnd) : null;
        await socket.SendAsync(connect, SocketFlags.None, ct).ConfigureAwait(false);
        int rest = filled - lineEnd - 2;
        buffer.AsSpan(lineEnd + 2, rest).CopyTo(buffer);
        filled = await ReadUntilAsync(socket, buffer, rest, Pong, ct).ConfigureAwait(false);
        if (buffer.AsSpan(0, filled).IndexOf("-ERR"u8) >= 0)
        {
            throw new LoadException("the server refused the client: " + Encoding.ASCII.GetString(buffer, 0, filled).Trim());
        }

        done[index] = Stopwatch.GetTimestamp();
        return info;
    }

    private static async Task<int> ReadUntilAsync(Socket socket, byte[] buffer, int filled, byte[] marker, CancellationToken ct)
    {
        while (buffer.AsSpan(0, filled).IndexOf(marker) < 0)
        {
            if (filled == buffer.Length)
            {
                throw new LoadException("the handshake does not fit in 4 KB");
            }

            int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new LoadException("the server closed the connection during the handshake");
            }

            filled += n;
        }

        return filled;
    }
}

