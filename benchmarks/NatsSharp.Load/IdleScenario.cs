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
            string? info = StormScenario.HandshakeAsync(sockets[clients]!, endpoint, Handshake(connectNoPing, clients), true, done, clients, cts.Token)
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
                    tasks[k] = StormScenario.HandshakeAsync(sockets[i]!, endpoint, Handshake(connectNoPing, i), false, done, i, cts.Token);
                }

                (int served, string? error) = StormScenario.WaitAndCount(tasks, deadline.Remaining);
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
        StormScenario.BindSource(socket, address, i);
        return socket;
    }

    /// <summary>CONNECT, a SUB to the client's own inbox (as a client's request mux does), PING.</summary>
    private static byte[] Handshake(byte[] connectNoPing, int i)
    {
        byte[] sub = Encoding.ASCII.GetBytes($"SUB _INBOX.natsload{i}.* 1\r\nPING\r\n");
        return [.. connectNoPing, .. sub];
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
