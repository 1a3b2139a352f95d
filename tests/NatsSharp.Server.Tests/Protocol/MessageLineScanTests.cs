using System.Text;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Protocol;

/// <summary>
/// The one-pass scan of message lines (PUB, HPUB, RMSG, HMSG, LMSG) against the general path: a line in
/// one segment takes the scan when it is plain, the same line split after its first byte always takes the
/// general path (the straddling copy and ParseLine). Every outcome must be the same: operations, status,
/// error and its detail.
/// </summary>
public sealed class MessageLineScanTests
{
    private static readonly string[] Verbs = ["PUB", "pub", "HPUB", "hPuB", "RMSG", "rmsg", "HMSG", "LMSG", "lmsg", "PUBX", "RMS", "SUB", "RS+"];

    // Bytes that make lines plain or not: letters, digits, the markers, blanks, line ends, other control bytes, high bytes.
    private static readonly byte[] Alphabet = "aZ09 5 1 2 \t+|.$G>*"u8.ToArray().Concat(new byte[] { (byte)'\r', (byte)'\n', 0, 0x0b, 0x80, 0xff }).ToArray();

    public enum Mode
    {
        Client,
        ClientWithoutHeaders,
        Route,
        Leaf,
    }

    [Theory]
    [InlineData(Mode.Client)]
    [InlineData(Mode.ClientWithoutHeaders)]
    [InlineData(Mode.Route)]
    [InlineData(Mode.Leaf)]
    public void A_line_in_one_segment_parses_as_the_same_line_split_after_its_first_byte(Mode mode)
    {
        var random = new Random(13 + (int)mode);
        for (int n = 0; n < 20_000; n++)
        {
            byte[] input = RandomSession(random);
            var (whole, wholeParser, wholeStatus) = Parse(mode, input);
            var (split, splitParser, splitStatus) = Parse(mode, input[..1], input[1..]);
            string shown = Encoding.Latin1.GetString(input).Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");
            Assert.True(wholeStatus == splitStatus, $"status {wholeStatus} / {splitStatus}: {shown}");
            Assert.True(wholeParser.Error == splitParser.Error, $"error {wholeParser.Error} / {splitParser.Error}: {shown}");
            Assert.True(wholeParser.ErrorDetail == splitParser.ErrorDetail, $"detail {wholeParser.ErrorDetail} / {splitParser.ErrorDetail}: {shown}");
            Assert.True(whole.Ops.SequenceEqual(split.Ops), $"ops {string.Join(";", whole.Ops)} / {string.Join(";", split.Ops)}: {shown}");
        }
    }

    [Theory]
    [InlineData("PUB foo 5\r\nhello\r\n")]
    [InlineData("PUB foo bar 5\r\nhello\r\n")]
    [InlineData("RMSG $G foo 5\r\nhello\r\n")]
    [InlineData("RMSG $G foo + bar q1 q2 5\r\nhello\r\n")]
    [InlineData("HMSG $G foo | q1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n")]
    [InlineData("HPUB foo bar 12 14\r\nNATS/1.0\r\n\r\nhi\r\n")]
    [InlineData("PUB foo 0000005\r\nhello\r\n")]
    [InlineData("PUB foo 5000000000\r\nhello\r\n")]
    [InlineData("PUB foo 9999999\r\nhello\r\n")]
    [InlineData("RMSG $G foo a b c d e f g h i j 5\r\nhello\r\n")]
    [InlineData("PUB foo 5 \r\nhello\r\n")]
    [InlineData("PUB\t\tfoo\t5\r\nhello\r\n")]
    public void Plain_and_edge_lines_parse_alike_both_ways(string input)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(input);
        foreach (Mode mode in Enum.GetValues<Mode>())
        {
            var (whole, wholeParser, wholeStatus) = Parse(mode, bytes);
            var (split, splitParser, splitStatus) = Parse(mode, bytes[..1], bytes[1..]);
            Assert.Equal(splitStatus, wholeStatus);
            Assert.Equal(splitParser.Error, wholeParser.Error);
            Assert.Equal(splitParser.ErrorDetail, wholeParser.ErrorDetail);
            Assert.Equal(split.Ops, whole.Ops);
        }
    }

    private static byte[] RandomSession(Random random)
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.ASCII.GetBytes(Verbs[random.Next(Verbs.Length)]));
        int length = random.Next(0, 24);
        for (int i = 0; i < length; i++)
        {
            bytes.Add(random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : Alphabet[random.Next(9)]);
        }

        bytes.AddRange(random.Next(5) == 0 ? "\n"u8.ToArray() : "\r\n"u8.ToArray());
        // A payload of 0-6 bytes and a CRLF, then a PING: short payloads, sizes that do and do not match it.
        int payload = random.Next(0, 7);
        for (int i = 0; i < payload; i++)
        {
            bytes.Add((byte)('a' + i));
        }

        bytes.AddRange("\r\nPING\r\n"u8.ToArray());
        return [.. bytes];
    }

    private static (RouteRecordingHandler Handler, ProtocolParser Parser, ParseStatus Status) Parse(Mode mode, params byte[][] segments)
    {
        var parser = new ProtocolParser(20, 5)
        {
            HeadersAllowed = mode != Mode.ClientWithoutHeaders,
            RouteMode = mode is Mode.Route or Mode.Leaf,
            LeafMode = mode == Mode.Leaf,
            Trace = true,
        };
        var handler = new RouteRecordingHandler();
        ParseStatus status = new ChunkedFeeder(parser).FeedSegments(handler, segments);
        return (handler, parser, status);
    }

    private sealed class RouteRecordingHandler : IRouteProtocolHandler
    {
        public List<string> Ops { get; } = [];

        private static string S(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

        private bool Record(string op)
        {
            Ops.Add(op);
            return true;
        }

        public bool OnConnect(ReadOnlySpan<byte> json) => Record($"CONNECT {S(json)}");

        public bool OnInfo(ReadOnlySpan<byte> json) => Record($"INFO {S(json)}");

        public bool OnPublishLine(ReadOnlySpan<byte> subject) => Record($"LINE {S(subject)}");

        public bool OnPublish(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, int headerSize, ReadOnlySpan<byte> message) =>
            Record($"PUB {S(subject)}|{S(reply)}|{headerSize}|{S(message)}");

        public bool OnSubscribe(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, ReadOnlySpan<byte> sid) =>
            Record($"SUB {S(subject)}|{S(queue)}|{S(sid)}");

        public bool OnUnsubscribe(ReadOnlySpan<byte> sid, long max) => Record($"UNSUB {S(sid)}|{max}");

        public bool OnPing() => Record("PING");

        public bool OnPong() => Record("PONG");

        public bool OnOk() => Record("+OK");

        public bool OnErr(ReadOnlySpan<byte> text) => Record($"-ERR {S(text)}");

        public void TraceIn(ReadOnlySpan<byte> line) => Record($"TRACE {S(line)}");

        public bool OnRemoteSubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue, int weight) =>
            Record($"RS+ {S(account)}|{S(subject)}|{S(queue)}|{weight}");

        public bool OnRemoteUnsubscribe(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> queue) =>
            Record($"RS- {S(account)}|{S(subject)}|{S(queue)}");

        public bool OnRoutedMessage(ReadOnlySpan<byte> account, ReadOnlySpan<byte> subject, ReadOnlySpan<byte> reply, ReadOnlySpan<byte> queues, int headerSize, ReadOnlySpan<byte> message) =>
            Record($"RMSG {S(account)}|{S(subject)}|{S(reply)}|{S(queues)}|{headerSize}|{S(message)}");
    }
}
