using System.Net.Sockets;
using System.Text;
using NatsSharp.Logging;

namespace NatsSharp.IntegrationTests;

/// <summary>Local syslog lines in Go log/syslog's local form, read from a unix datagram socket of our own.</summary>
public class SyslogFormatTests
{
    [Fact]
    public async Task Local_syslog_uses_facility_daemon_and_the_short_timestamp()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("natssharp-devlog-").FullName, "log");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));

        using (SyslogSink sink = SyslogSink.OpenLocal("natssharp", [path]))
        {
            sink.Write("INF", "Server is ready");
            sink.Write("ERR", "something failed");
            sink.Write("DBG", "a detail");
            sink.Write("TRC", "<<- [PING]");
        }

        string[] expected = ["<29>", "<27>", "<31>", "<29>"];
        string[] messages = ["Server is ready", "something failed", "a detail", "<<- [PING]"];
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        for (int i = 0; i < expected.Length; i++)
        {
            int n = await listener.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            string line = Encoding.UTF8.GetString(buffer, 0, n);
            Assert.Matches($@"^{expected[i]}[A-Z][a-z]{{2}} [ \d]\d \d\d:\d\d:\d\d natssharp\[{Environment.ProcessId}\]: {System.Text.RegularExpressions.Regex.Escape(messages[i])}\n$", line);
        }
    }

    [Fact]
    public void Local_syslog_without_a_socket_fails_with_go_wording()
    {
        string missing = Path.Combine(Path.GetTempPath(), "natssharp-no-such-socket-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<IOException>(() => SyslogSink.OpenLocal("natssharp", [missing]));
        Assert.Equal("error connecting to syslog: \"Unix syslog delivery error\"", ex.Message);
    }
}
