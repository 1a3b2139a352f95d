using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace NatsSharp.Logging;

/// <summary>
/// Sends log lines to syslog the way nats-server does (Go's log/syslog): locally over
/// <c>/dev/log</c> as <c>&lt;PRI&gt;Jan _2 15:04:05 tag[pid]: msg</c> with facility
/// daemon, or to <c>remote_syslog</c> (udp:// or tcp://) as
/// <c>&lt;PRI&gt;RFC3339 host tag[pid]: msg</c> with facility kern. The message carries no level
/// label: the level is in the priority. Always text, whatever <c>log_format</c> says: syslog has its own framing.
/// </summary>
internal sealed class SyslogSink : ILogEventSink, IDisposable
{
    private const int FacilityDaemon = 3 << 3;

    private readonly Socket _socket;
    private readonly bool _local;
    private readonly int _facility;
    private readonly string _tag;
    private readonly string _hostname = Environment.MachineName;
    private readonly int _pid = Environment.ProcessId;

    private SyslogSink(Socket socket, bool local, string tag)
    {
        _socket = socket;
        _local = local;
        _facility = local ? FacilityDaemon : 0;
        _tag = tag;
    }

    /// <summary>Local syslog: the first of /dev/log, /var/run/syslog, /var/run/log that accepts a connection.</summary>
    public static SyslogSink OpenLocal(string tag) => OpenLocal(tag, ["/dev/log", "/var/run/syslog", "/var/run/log"]);

    internal static SyslogSink OpenLocal(string tag, string[] paths)
    {
        foreach (SocketType type in new[] { SocketType.Dgram, SocketType.Stream })
        {
            foreach (string path in paths)
            {
                var socket = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
                try
                {
                    socket.Connect(new UnixDomainSocketEndPoint(path));
                    return new SyslogSink(socket, local: true, tag);
                }
                catch (SocketException)
                {
                    socket.Dispose();
                }
            }
        }

        throw new IOException("error connecting to syslog: \"Unix syslog delivery error\"");
    }

    /// <summary>remote_syslog: <c>udp://host:port</c>, <c>tcp://host:port</c> or <c>unix:///path</c>.</summary>
    public static SyslogSink OpenRemote(string url, string tag)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
        {
            throw new IOException($"error invalid network type: \"{url}\"");
        }

        Socket socket;
        switch (uri.Scheme)
        {
            case "udp":
                socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
                Connect(socket, uri);
                return new SyslogSink(socket, local: false, tag);
            case "tcp":
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                Connect(socket, uri);
                return new SyslogSink(socket, local: false, tag);
            case "unix":
                socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                try
                {
                    socket.Connect(new UnixDomainSocketEndPoint(uri.AbsolutePath));
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    throw new IOException($"error connecting to syslog: \"{ex.Message}\"", ex);
                }

                return new SyslogSink(socket, local: false, tag);
            default:
                throw new IOException($"error invalid network type: \"{uri.Scheme}\"");
        }
    }

    private static void Connect(Socket socket, Uri uri)
    {
        try
        {
            socket.Connect(uri.Host.Trim('[', ']'), uri.Port < 0 ? 514 : uri.Port);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new IOException($"error connecting to syslog: \"{ex.Message}\"", ex);
        }
    }

    public void Emit(LogEvent logEvent) => Write(NatsLevel.Label(logEvent.Level), MessageText.Render(logEvent));

    /// <summary>One message at the severity of nats-server's label (trace goes as notice, as in Go).</summary>
    public void Write(string label, string message)
    {
        int severity = label switch
        {
            "FTL" => 2,
            "ERR" => 3,
            "WRN" => 4,
            "DBG" => 7,
            _ => 5,
        };
        int priority = _facility | severity;
        DateTime now = DateTime.Now;
        var sb = new StringBuilder(message.Length + 64);
        sb.Append('<').Append(priority.ToString(CultureInfo.InvariantCulture)).Append('>');
        if (_local)
        {
            // Go's time.Stamp: "Jan _2 15:04:05".
            sb.Append(now.ToString("MMM", CultureInfo.InvariantCulture)).Append(' ')
              .Append(now.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)).Append(' ')
              .Append(now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(' ');
        }
        else
        {
            sb.Append(now.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture).Replace("+00:00", "Z", StringComparison.Ordinal))
              .Append(' ').Append(_hostname).Append(' ');
        }

        sb.Append(_tag).Append('[').Append(_pid.ToString(CultureInfo.InvariantCulture)).Append("]: ").Append(message);
        if (!message.EndsWith('\n'))
        {
            sb.Append('\n');
        }

        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(sb.ToString()));
        }
        catch (SocketException)
        {
            // Like Go's writer, a failed send is dropped; logging must never stop the server.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
