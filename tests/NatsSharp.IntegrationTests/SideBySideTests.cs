using NatsSharp.IntegrationTests.Infrastructure;

namespace NatsSharp.IntegrationTests;

/// <summary>
/// The same raw conversation against the real nats-server 2.9.10 and against NatsSharp;
/// the replies (INFO aside) must be identical, including whether the connection closes.
/// </summary>
public class SideBySideTests
{
    public static TheoryData<string, string> Conversations => new()
    {
        { "verbose session", "CONNECT {\"verbose\":true,\"pedantic\":false}\r\nPING\r\nSUB foo 1\r\nPUB foo 5\r\nhello\r\nPUB foo reply.x 2\r\nhi\r\nUNSUB 1\r\nPUB foo 1\r\nx\r\nPING\r\n" },
        { "no connect, mixed case", "sub\tfoo   1\r\npUb  foo\t\t3\r\nabc\r\nPing\r\n" },
        { "unknown op", "CONNECT {\"verbose\":false}\r\nFOO bar\r\n" },
        { "msg from client", "MSG foo 1 2\r\nhi\r\n" },
        { "max payload", "CONNECT {\"verbose\":false}\r\nPUB foo 1048577\r\n" },
        { "control line", "SUB " + new string('a', 4100) + " 1\r\n" },
        { "bad pub args", "CONNECT {\"verbose\":false}\r\nPUB foo\r\n" },
        { "bad size", "CONNECT {\"verbose\":false}\r\nPUB foo abc\r\n" },
        { "bad sub args", "CONNECT {\"verbose\":false}\r\nSUB foo\r\n" },
        { "invalid subjects", "CONNECT {\"verbose\":false}\r\nSUB foo..bar 1\r\nSUB foo.>.bar 2\r\nSUB foo*.bar 3\r\nPING\r\n" },
        { "pedantic wildcard publish", "CONNECT {\"verbose\":true,\"pedantic\":true}\r\nSUB > 1\r\nPUB foo.* 1\r\nx\r\nPING\r\n" },
        { "reserved reply", "CONNECT {\"verbose\":false}\r\nSUB > 1\r\nPUB foo _R_.abc 1\r\nx\r\nPUB _GR_.a.b 1\r\nx\r\nPING\r\n" },
        { "bad protocol", "CONNECT {\"protocol\":2}\r\n" },
        { "no responders without headers", "CONNECT {\"no_responders\":true}\r\n" },
        { "obsolete account", "CONNECT {\"account\":\"A\"}\r\n" },
        { "bad json", "CONNECT {\"verbose\":\"yes\"}\r\n" },
        { "no json", "CONNECT\r\n" },
        { "client -ERR", "-ERR 'oops'\r\n" },
        { "hpub without headers", "CONNECT {\"verbose\":false}\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n" },
        { "headers to self", "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB h 1\r\nHPUB h r 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\nPING\r\n" },
        { "no responders", "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\nSUB _INBOX.x 1\r\nPUB nobody _INBOX.x 2\r\nhi\r\nPING\r\n" },
        { "unsub max", "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPUB foo 1\r\na\r\nUNSUB 1 2\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\nPING\r\n" },
        { "unsub max not a number", "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nUNSUB 1 abc\r\nPUB foo 1\r\na\r\nPING\r\n" },
        { "unsub max not a number verbose", "CONNECT {\"verbose\":true}\r\nSUB foo 1\r\nSUB foo 2\r\nUNSUB 1 x\r\nUNSUB 2 1234567890\r\nUNSUB 9 -1\r\nPUB foo 1\r\na\r\nPING\r\n" },
        { "echo off", "CONNECT {\"verbose\":false,\"echo\":false}\r\nSUB foo 1\r\nPUB foo 1\r\na\r\nPING\r\n" },
        { "ping variants", "PINGxyz\r\nPING foo bar\r\nping\n" },
        { "payload without crlf", "CONNECT {\"verbose\":false}\r\nPUB a 2\r\nhi\nPING\r\n" },
        { "zero payload", "CONNECT {\"verbose\":false}\r\nSUB z 1\r\nPUB z 0\r\n\r\nPING\r\n" },
        { "repeat sid", "CONNECT {\"verbose\":true}\r\nSUB foo s\r\nSUB foo s\r\nPUB foo 1\r\nx\r\nPING\r\n" },
        { "second connect keeps what it does not say", "CONNECT {\"verbose\":false,\"echo\":false}\r\nCONNECT {\"name\":\"again\"}\r\nSUB e 1\r\nPUB e 1\r\nx\r\nPING\r\n" },
        { "second connect changes what it says", "CONNECT {\"verbose\":false}\r\nCONNECT {\"verbose\":true}\r\nPING\r\n" },
    };

    [Theory]
    [MemberData(nameof(Conversations))]
    public async Task Same_replies_as_nats_server(string name, string conversation)
    {
        await using var reference = await RealNatsServer.StartAsync();
        await using var ours = await TestServer.StartAsync();
        List<string> expected = await Converse(reference.Port, conversation);
        List<string> actual = await Converse(ours.Port, conversation);
        Assert.True(expected.Count > 0, $"{name}: the reference said nothing at all");
        Assert.Equal(expected, actual);
    }

    /// <summary>Sends the conversation, then collects lines until PONG's last one or the close.</summary>
    private static async Task<List<string>> Converse(int port, string conversation)
    {
        await using RawClient c = await RawClient.ConnectAsync(port);
        await c.SendAsync(conversation);
        int pings = CountPings(conversation);
        var lines = new List<string>();
        int pongs = 0;
        while (true)
        {
            string line;
            try
            {
                line = await c.ReadLineAsync(TimeSpan.FromSeconds(3));
            }
            catch (Exception e) when (RawClient.IsClosedByServer(e))
            {
                lines.Add("<closed>");
                return lines;
            }
            catch (TimeoutException)
            {
                lines.Add("<open>");
                return lines;
            }

            lines.Add(line);
            if (line == "PONG" && ++pongs == pings)
            {
                return lines;
            }
        }
    }

    private static int CountPings(string conversation)
    {
        int count = 0;
        foreach (string line in conversation.Split('\n'))
        {
            if (line.StartsWith("PING", StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }
}
