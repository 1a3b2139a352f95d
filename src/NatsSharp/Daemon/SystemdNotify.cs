using System.Net.Sockets;
using System.Text;

namespace NatsSharp.Daemon;

/// <summary>
/// systemd's readiness protocol (sd_notify) for units with <c>Type=notify</c>: one datagram to the
/// unix socket named by <c>$NOTIFY_SOCKET</c> (a leading '@' names Linux's abstract namespace),
/// <c>READY=1</c> once clients can connect and <c>STOPPING=1</c> when shutdown begins. Nothing is
/// sent when the variable is not set. Written here rather than taken from
/// Microsoft.Extensions.Hosting.Systemd: the daemon does not run the Generic Host, and that
/// package's notifier throws when the socket is gone, where readiness must never stop the server.
/// </summary>
internal static class SystemdNotify
{
    private static int _stopping;

    public static void Ready() => Send("READY=1");

    /// <summary>Sent once, by whichever comes first: lame duck mode or the shutdown itself.</summary>
    public static void Stopping()
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            Send("STOPPING=1");
        }
    }

    private static void Send(string state)
    {
        string? path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        if (path[0] == '@')
        {
            path = "\0" + path[1..];
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.ASCII.GetBytes(state), new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // No listener (systemd gone, a stale variable): nothing to tell, and no reason to stop.
        }
    }
}
