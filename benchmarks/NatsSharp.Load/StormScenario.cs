using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NatsSharp.Load;

/// <summary>
/// A connection storm: N clients connect at once (as after a restart or a failover), each reads INFO,
/// sends CONNECT + PING and waits for its PONG. Reports connects/s and the time until every client has
/// its PONG; the clients stay connected for <c>--hold</c> seconds so the caller can sample the server's
/// memory. The clients are driven by <see cref="StormClients"/> (one thread, its own epoll set), so that the
/// client takes as little as it can of the cores it shares with the server under test. The handshake helpers
/// below serve the <c>idle</c> scenario, whose clients are real .NET sockets.
/// </summary>
internal static class StormScenario
{
    private static readonly byte[] Pong = "PONG\r\n"u8.ToArray();

    public static RunResult Run(Options o, Deadline deadline)
    {
        NatsUrl url = NatsUrl.Parse(o.Url);
        IPAddress address = Dns.GetHostAddresses(url.Host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new LoadException($"storm needs an IPv4 address for {url.Host}");
        byte[] connect = NatsConnection.BuildConnect(url, "natsload-storm");
        int clients = (int)o.Msgs;
        using var storm = new StormClients(clients);
        TimeSpan cpu0 = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        storm.Run(address, url.Port, connect, deadline);
        long end = Stopwatch.GetTimestamp();
        TimeSpan cpu = Environment.CpuUsage.TotalTime - cpu0;
        RunResult result = HandshakeResult(o, storm.Info, end - start, clients, storm.Ok, storm.FirstError);
        result.ClientCpuMs = cpu.TotalMilliseconds;
        result.Retransmitted = storm.CountRetransmitted();
        result.LaunchMs = (storm.LaunchedAt - start) * 1000.0 / Stopwatch.Frequency;
        result.Latency = storm.Ok > 0 ? LatencyStats.FromTicks(storm.DoneAt.Where(t => t != 0).Select(t => t - start).ToArray()) : null;
        if (result.Ok && o.Hold > TimeSpan.Zero)
        {
            Thread.Sleep(o.Hold < deadline.Remaining ? o.Hold : deadline.Remaining);
        }

        return result;
    }

    /// <summary>Clients per loopback source address (see <see cref="BindSource"/>).</summary>
    private const int ClientsPerSource = 1000;

    /// <summary>
    /// To a loopback server, client i connects from 127.1.x.y (a new address every <see cref="ClientsPerSource"/>
    /// clients), with IP_BIND_ADDRESS_NO_PORT so the kernel picks the port at connect time per address. From one
    /// address, thousands of connects make the kernel search its ephemeral port range for a free port
    /// (<c>__inet_hash_connect</c>), a search that grows with the ports in use: at 15,000 clients it was a quarter
    /// of natsload's CPU, on the same 2 cores as the server. A real storm comes from many hosts, each with its own
    /// port range. Both servers get the same client; the servers see nothing different but the client address.
    /// </summary>
    internal static void BindSource(Socket socket, IPAddress server, int i)
    {
        if (!OperatingSystem.IsLinux() || server.AddressFamily != AddressFamily.InterNetwork || !IPAddress.IsLoopback(server))
        {
            return;
        }

        socket.SetRawSocketOption(0 /* IPPROTO_IP */, 24 /* IP_BIND_ADDRESS_NO_PORT */, BitConverter.GetBytes(1));
        socket.Bind(new IPEndPoint(new IPAddress(SourceAddress(i)), 0));
    }

    /// <summary>Client <paramref name="i"/>'s loopback source address: 127.1.x.y, a new one every <see cref="ClientsPerSource"/> clients.</summary>
    internal static byte[] SourceAddress(int i)
    {
        int block = i / ClientsPerSource;
        return [127, 1, (byte)(block / 250), (byte)(1 + (block % 250))];
    }

    /// <summary>
    /// A run of <paramref name="clients"/> handshakes over <paramref name="ticks"/> (Stopwatch) of which <paramref name="ok"/>
    /// got their PONG; the server named from the <paramref name="info"/> line one of them kept; an error unless all did.
    /// </summary>
    internal static RunResult HandshakeResult(Options o, string? info, long ticks, int clients, int ok, string? firstError)
    {
        double elapsed = Math.Max(1e-9, (double)ticks / Stopwatch.Frequency);
        var result = new RunResult
        {
            Options = o,
            ElapsedSeconds = elapsed,
            MsgsPerSec = ok / elapsed,
            Published = clients,
            Expected = clients,
            Delivered = ok,
        };
        if (info is not null)
        {
            ServerInfo parsed = ServerInfo.Parse(Encoding.UTF8.GetBytes(info[5..]));
            (result.ServerName, result.ServerVersion) = (parsed.ServerName, parsed.Version);
        }

        if (ok != clients)
        {
            result.Error = $"{clients - ok:#,0} of {clients:#,0} clients got no PONG: {firstError}";
        }

        return result;
    }

    /// <summary>Waits (bounded) for the clients' handshakes: how many got their PONG, and the first failure.</summary>
    internal static (int Ok, string? FirstError) WaitAndCount(Task<string?>[] tasks, TimeSpan timeout)
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
    internal static async Task<string?> HandshakeAsync(Socket socket, IPEndPoint endpoint, byte[] connect, bool keepInfo, long[] done, int index, CancellationToken ct)
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
