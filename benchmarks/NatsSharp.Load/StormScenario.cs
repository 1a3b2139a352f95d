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
/// client takes as little as it can of the cores it shares with the server under test.
/// </summary>
internal static class StormScenario
{
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

    /// <summary>Clients per loopback source address (see <see cref="SourceAddress"/>).</summary>
    private const int ClientsPerSource = 1000;

    /// <summary>
    /// To a loopback server, client i connects from 127.1.x.y (a new address every <see cref="ClientsPerSource"/>
    /// clients), with IP_BIND_ADDRESS_NO_PORT so the kernel picks the port at connect time per address. From one
    /// address, thousands of connects make the kernel search its ephemeral port range for a free port
    /// (<c>__inet_hash_connect</c>), a search that grows with the ports in use: at 15,000 clients it was a quarter
    /// of natsload's CPU, on the same 2 cores as the server. A real storm comes from many hosts, each with its own
    /// port range. Both servers get the same client; the servers see nothing different but the client address.
    /// </summary>
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
}
