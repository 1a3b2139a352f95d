using System.Text;
using NatsSharp.Server.Protocol;

namespace NatsSharp.Server.Tests.Protocol;

public sealed class ProtocolParserTests
{
    private static (ProtocolParser Parser, RecordingHandler Handler, ParseStatus Status) Run(string input, Action<ProtocolParser>? setup = null)
    {
        var parser = new ProtocolParser(4096, 1024 * 1024) { HeadersAllowed = true };
        setup?.Invoke(parser);
        var handler = new RecordingHandler();
        var feeder = new ChunkedFeeder(parser);
        ParseStatus status = feeder.Feed(Encoding.UTF8.GetBytes(input), handler);
        return (parser, handler, status);
    }

    [Theory]
    [InlineData("PUB foo 5\r\nhello\r\n", "PUB foo||hello")]
    [InlineData("PUB foo bar 2\r\nhi\r\n", "PUB foo|bar|hi")]
    [InlineData("PUB foo 0\r\n\r\n", "PUB foo||")]
    [InlineData("pUb  foo\t\t3\r\nabc\r\n", "PUB foo||abc")]
    [InlineData("HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", "HPUB foo||12|NATS/1.0\r\n\r\nhi")]
    [InlineData("HPUB foo r 12 12\r\nNATS/1.0\r\n\r\n\r\n", "HPUB foo|r|12|NATS/1.0\r\n\r\n")]
    [InlineData("SUB foo 1\r\n", "SUB foo||1")]
    [InlineData("SUB foo q 1\r\n", "SUB foo|q|1")]
    [InlineData("SUB demo.>  1\r\n", "SUB demo.>||1")]
    [InlineData("sub\tfoo   1\r\n", "SUB foo||1")]
    [InlineData("SUB foo my-sid.x 1\r\n", "SUB foo|my-sid.x|1")]
    [InlineData("UNSUB 1\r\n", "UNSUB 1|-1")]
    [InlineData("UNSUB 1 5\r\n", "UNSUB 1|5")]
    [InlineData("UNSUB 1 x\r\n", "UNSUB 1|-1")]
    [InlineData("UNSUB 1 1234567890\r\n", "UNSUB 1|-1")]
    [InlineData("PING\r\n", "PING")]
    [InlineData("ping\n", "PING")]
    [InlineData("PINGxyz\r\n", "PING")]
    [InlineData("PING foo bar\r\n", "PING")]
    [InlineData("PONG\r\n", "PONG")]
    [InlineData("+OK\r\n", "+OK")]
    [InlineData("-ERR 'oops'\r\n", "-ERR 'oops'")]
    [InlineData("CONNECT {\"verbose\":false}\r\n", "CONNECT {\"verbose\":false}")]
    [InlineData("CONNECT{}\r\n", "CONNECT {}")]
    [InlineData("connect {}\r\n", "CONNECT {}")]
    [InlineData("CONNECT\r\n", "CONNECT \r")] // the first argument byte is taken as it is (nats-server's JSON error follows)
    [InlineData("CONNECT\n{}\r\n", "CONNECT \n{}")] // an LF there starts the argument: the line runs on
    [InlineData("SUB \nfoo 1\r\n", "SUB foo||1")]
    [InlineData("SUB \rfoo 1\n", "SUB foo||1")] // a CR as first argument byte does not make the LF end drop a byte
    [InlineData("INFO {\"a\":1}\r\n", "INFO {\"a\":1}")]
    [InlineData("SUB a 1\n", "SUB a||1")]
    [InlineData("PUB a 2\nhi\r\n", "PUB a||hi")]
    public void Parses_every_operation(string input, string expected)
    {
        var (_, handler, status) = Run(input);
        Assert.Equal(ParseStatus.NeedMoreData, status);
        Assert.Equal([expected], handler.Ops);
    }

    [Fact]
    public void Parses_many_commands_in_one_read()
    {
        var (_, handler, status) = Run("CONNECT {}\r\nSUB foo 1\r\nPUB foo 2\r\nhi\r\nPING\r\nUNSUB 1\r\nPONG\r\n");
        Assert.Equal(ParseStatus.NeedMoreData, status);
        Assert.Equal(["CONNECT {}", "SUB foo||1", "PUB foo||hi", "PING", "UNSUB 1|-1", "PONG"], handler.Ops);
    }

    [Theory]
    [InlineData("FOO bar\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("MSG foo 1 2\r\nhi\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("RS+ $G foo\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("LS+ foo\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("A+ foo\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("HMSG foo 1 12 12\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("UNSUB\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("PUB\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("PUB a 2\r\nhi\r", nameof(ParseError.None))]
    [InlineData("PUB a 2\r\nhi\n", nameof(ParseError.UnknownOperation))]
    [InlineData("PUB a 2\r\nhix", nameof(ParseError.UnknownOperation))]
    [InlineData("PUB a 2\r\nhix\r\n", nameof(ParseError.UnknownOperation))]
    [InlineData("PUB foo\r\n", nameof(ParseError.BadArguments))]
    [InlineData("PUB foo a b 3\r\nabc\r\n", nameof(ParseError.BadArguments))]
    [InlineData("PUB foo abc\r\n", nameof(ParseError.BadArguments))]
    [InlineData("PUB foo 1234567890\r\n", nameof(ParseError.BadArguments))]
    [InlineData("PUB foo 1048577\r\n", nameof(ParseError.MaxPayloadExceeded))]
    [InlineData("HPUB foo 20 10\r\n", nameof(ParseError.BadArguments))]
    [InlineData("HPUB foo x 10\r\n", nameof(ParseError.BadArguments))]
    [InlineData("HPUB foo 0 1048577\r\n", nameof(ParseError.MaxPayloadExceeded))]
    [InlineData("SUB foo\r\n", nameof(ParseError.BadArguments))]
    [InlineData("SUB foo q 1 x\r\n", nameof(ParseError.BadArguments))]
    [InlineData("UNSUB 1 2 3\r\n", nameof(ParseError.BadArguments))]
    public void Reports_each_error(string input, string expectedName)
    {
        var expected = Enum.Parse<ParseError>(expectedName);
        var (parser, handler, status) = Run(input);
        if (expected == ParseError.None)
        {
            // "PUB a 2\r\nhi\r": the payload's CRLF is not complete yet; the server waits.
            Assert.Equal(ParseStatus.NeedMoreData, status);
            Assert.Empty(handler.Ops);
            return;
        }

        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(expected, parser.Error);
        Assert.Empty(handler.Ops);
    }

    [Theory]
    [InlineData("HMSG foo 1 12 12\r\n\r\nPING\r\n")]
    [InlineData("HMSG \tanything at all\n\r\nPING\r\n")]
    public void Client_hmsg_followed_by_crlf_is_an_empty_message_to_no_subject(string input)
    {
        // nats-server does not look at a client's HMSG line and reads an empty message after it.
        var (_, handler, status) = Run(input);
        Assert.Equal(ParseStatus.NeedMoreData, status);
        Assert.Equal(["PUB ||", "PING"], handler.Ops);
    }

    [Theory]
    [InlineData("HMSG foo 1 12 12\r\nNATS/1.0\r\n")]
    [InlineData("HMSG foo\r\n\r")]
    public void Client_hmsg_followed_by_anything_else_or_a_split_is_an_unknown_operation(string input)
    {
        var (parser, handler, status) = Run(input);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.UnknownOperation, parser.Error);
        Assert.Empty(handler.Ops);
    }

    [Fact]
    public void Payload_not_followed_by_crlf_is_an_unknown_operation()
    {
        var (parser, _, status) = Run("PUB a 2\r\nhi\nPING\r\n");
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.UnknownOperation, parser.Error);
    }

    [Fact]
    public void Hpub_without_negotiated_headers_is_refused()
    {
        var (parser, _, status) = Run("HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n", p => p.HeadersAllowed = false);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.HeadersNotSupported, parser.Error);
    }

    [Fact]
    public void Max_control_line_counts_the_arguments_only()
    {
        string ok = "SUB " + new string('a', 4094) + " 1\r\n"; // arguments are exactly 4096 bytes
        var (_, handler, status) = Run(ok);
        Assert.Equal(ParseStatus.NeedMoreData, status);
        Assert.Single(handler.Ops);

        string tooLong = "SUB " + new string('a', 4095) + " 1\r\n";
        var (parser, _, status2) = Run(tooLong);
        Assert.Equal(ParseStatus.Error, status2);
        Assert.Equal(ParseError.MaxControlLineExceeded, parser.Error);
    }

    [Fact]
    public void Max_control_line_applies_to_a_partial_line()
    {
        var (parser, _, status) = Run("SUB " + new string('a', 5000));
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.MaxControlLineExceeded, parser.Error);
    }

    [Theory]
    [InlineData("PONG")]
    [InlineData("ping ")]
    [InlineData("+OK")]
    public void A_long_PING_PONG_or_OK_line_split_across_reads_is_skipped_to_its_LF(string verb)
    {
        // nats-server ignores the rest of these lines byte by byte: no limit, nothing kept (fuzz seed limits:700650).
        var parser = new ProtocolParser(128, 1024 * 1024);
        var handler = new RecordingHandler();
        var feeder = new ChunkedFeeder(parser);
        Assert.Equal(ParseStatus.NeedMoreData, feeder.Feed(Encoding.ASCII.GetBytes("PING\r\n" + verb + new string('x', 300)), handler));
        Assert.Equal(0, feeder.Pending);
        Assert.Equal(ParseStatus.NeedMoreData, feeder.Feed(Encoding.ASCII.GetBytes(new string('x', 300)), handler));
        Assert.Equal(0, feeder.Pending);
        Assert.Equal(ParseStatus.NeedMoreData, feeder.Feed(Encoding.ASCII.GetBytes("xPING\r\nSUB foo 1\r\n"), handler));
        Assert.Equal(["PING", verb.Trim().ToUpperInvariant(), "SUB foo||1"], handler.Ops);
    }

    [Fact]
    public void Unknown_verb_fails_before_its_line_ends()
    {
        var (parser, _, status) = Run("FOO");
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.UnknownOperation, parser.Error);
    }

    [Fact]
    public void A_payload_waiting_for_its_bytes_is_not_a_long_control_line()
    {
        var parser = new ProtocolParser(64, 1024 * 1024);
        var handler = new RecordingHandler();
        var feeder = new ChunkedFeeder(parser);
        Assert.Equal(ParseStatus.NeedMoreData, feeder.Feed(Encoding.ASCII.GetBytes("PUB foo 500\r\n" + new string('x', 300)), handler));
        Assert.Equal(ParseStatus.NeedMoreData, feeder.Feed(Encoding.ASCII.GetBytes(new string('x', 200) + "\r\n"), handler));
        Assert.Single(handler.Ops);
    }

    [Fact]
    public void Require_connect_refuses_any_other_first_operation()
    {
        var (parser, handler, status) = Run("PING\r\n", p => p.RequireConnect = true);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.AuthorizationRequired, parser.Error);
        Assert.Empty(handler.Ops);

        var (_, handler2, status2) = Run("CONNECT {}\r\n", p => p.RequireConnect = true);
        Assert.Equal(ParseStatus.NeedMoreData, status2);
        Assert.Single(handler2.Ops);
    }

    [Fact]
    public void Require_connect_refuses_at_the_first_byte_without_waiting_for_the_line()
    {
        // As nats-server: nothing but CONNECT is buffered for a connection that must authenticate.
        var (parser, _, status) = Run("RMSG $G victim 99999", p => p.RequireConnect = true);
        Assert.Equal(ParseStatus.Error, status);
        Assert.Equal(ParseError.AuthorizationRequired, parser.Error);

        var (_, _, partialConnect) = Run("CONN", p => p.RequireConnect = true);
        Assert.Equal(ParseStatus.NeedMoreData, partialConnect);
    }

    [Fact]
    public void A_handler_that_refuses_stops_parsing()
    {
        var parser = new ProtocolParser(4096, 1024);
        var handler = new RecordingHandler { StopAt = 2 };
        var feeder = new ChunkedFeeder(parser);
        ParseStatus status = feeder.Feed(Encoding.ASCII.GetBytes("PING\r\nPING\r\nPING\r\n"), handler);
        Assert.Equal(ParseStatus.Stopped, status);
        Assert.Equal(2, handler.Ops.Count);
    }

    [Fact]
    public void Trace_sees_each_control_line_without_line_ending()
    {
        var (_, handler, _) = Run("SUB foo 1\r\nPUB foo 2\r\nhi\r\n", p => p.Trace = true);
        Assert.Equal(["SUB foo 1", "PUB foo 2"], handler.Traced);
    }

    public static TheoryData<string> Sessions => new()
    {
        "CONNECT {\"verbose\":false}\r\nSUB foo 1\r\nPUB foo 5\r\nhello\r\nPING\r\n",
        "HPUB foo reply 20 22\r\nNATS/1.0\r\nA: bcd\r\n\r\nhi\r\nUNSUB 1 2\r\nPONG\r\n",
        "sub a.b.c q 9\nPUB a.b.c 0\r\n\r\n+OK\r\n-ERR 'x'\r\n",
    };

    /// <summary>Every split point of every session yields the same operations as one read.</summary>
    [Theory]
    [MemberData(nameof(Sessions))]
    public void Survives_a_split_at_every_byte(string session)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(session);
        var (_, whole, _) = Run(session);
        Assert.NotEmpty(whole.Ops);

        for (int split = 1; split < bytes.Length; split++)
        {
            var parser = new ProtocolParser(4096, 1024 * 1024) { HeadersAllowed = true };
            var handler = new RecordingHandler();
            var feeder = new ChunkedFeeder(parser);
            Assert.NotEqual(ParseStatus.Error, feeder.Feed(bytes[..split], handler));
            Assert.NotEqual(ParseStatus.Error, feeder.Feed(bytes[split..], handler));
            Assert.Equal(whole.Ops, handler.Ops);
            Assert.Equal(0, feeder.Pending);
        }
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void Survives_one_byte_at_a_time(string session)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(session);
        var (_, whole, _) = Run(session);
        var parser = new ProtocolParser(4096, 1024 * 1024) { HeadersAllowed = true };
        var handler = new RecordingHandler();
        var feeder = new ChunkedFeeder(parser);
        foreach (byte b in bytes)
        {
            Assert.NotEqual(ParseStatus.Error, feeder.Feed([b], handler));
        }

        Assert.Equal(whole.Ops, handler.Ops);
        Assert.Equal(0, feeder.Pending);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("5", 5)]
    [InlineData("999999999", 999999999)]
    [InlineData("", -1)]
    [InlineData("1234567890", -1)]
    [InlineData("-1", -1)]
    [InlineData("1a", -1)]
    public void ParseSize_accepts_up_to_nine_digits(string text, long expected) =>
        Assert.Equal(expected, ProtocolParser.ParseSize(Encoding.ASCII.GetBytes(text)));
}
