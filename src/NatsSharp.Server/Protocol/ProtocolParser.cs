using System.Buffers;
using System.Runtime.CompilerServices;

namespace NatsSharp.Server.Protocol;

/// <summary>
/// The client protocol parser. It handles every complete command in a read buffer and
/// leaves a partial one in place, so a command split across reads at any byte resumes.
/// Arguments are slices of the read buffer; only a command that straddles two buffer
/// segments is copied (into a scratch buffer), as nats-server does.
/// </summary>
internal sealed class ProtocolParser
{
    private const int MaxSizeDigits = 9; // nats-server's parseSize: more digits is a bad size

    private byte[]? _lineScratch; // made by the first line that straddles two reads: most connections never have one
    private int _publishLineCalls; // 0: not yet told, 1: told, 2: told again for a split payload
    private Verb _skipping; // a PING, PONG or +OK line past the limit: its bytes are dropped up to its LF

    public ProtocolParser(int maxControlLine, int maxPayload)
    {
        MaxControlLine = maxControlLine;
        MaxPayload = maxPayload;
    }

    /// <summary>Longest argument part of a control line (after the verb).</summary>
    public int MaxControlLine { get; set; }

    public int MaxPayload { get; set; }

    /// <summary>HPUB is accepted only after CONNECT negotiated headers.</summary>
    public bool HeadersAllowed { get; set; }

    /// <summary>When auth is required, the first operation must be CONNECT.</summary>
    public bool RequireConnect { get; set; }

    /// <summary>
    /// Speak the route protocol: RS+/RS-/RMSG/HMSG(with account)/LS+/LS-/LMSG are accepted.
    /// The handler must then implement <see cref="IRouteProtocolHandler"/>. The limits still
    /// apply (nats-server has none between servers); the peer connection sets them.
    /// </summary>
    public bool RouteMode { get; init; }

    /// <summary>
    /// Speak the leafnode protocol: like routes, but no account argument anywhere (the account
    /// belongs to the connection) and LMSG carries no header size. Implies <see cref="RouteMode"/>.
    /// </summary>
    public bool LeafMode { get; init; }

    /// <summary>Index of the subject in route/leaf arguments: routes name the account first.</summary>
    private int SubjectIndex => LeafMode ? 0 : 1;

    /// <summary>Pass every control line to <see cref="IProtocolHandler.TraceIn"/>.</summary>
    public bool Trace { get; set; }

    public ParseError Error { get; private set; }

    /// <summary>The offending arguments, for the log line (set only on errors).</summary>
    public string ErrorDetail { get; private set; } = "";

    /// <summary>
    /// Handles every complete command at the start of <paramref name="buffer"/> and slices
    /// them off. On return the buffer holds at most one partial command.
    /// </summary>
    public ParseStatus Parse<THandler>(ref ReadOnlySequence<byte> buffer, THandler handler)
        where THandler : IProtocolHandler
    {
        while (!buffer.IsEmpty)
        {
            if (_skipping != Verb.Unknown)
            {
                ParseStatus skipped = SkipToLf(ref buffer, handler);
                if (skipped != ParseStatus.NeedMoreData || _skipping != Verb.Unknown)
                {
                    return skipped;
                }

                continue;
            }

            ReadOnlySpan<byte> span = buffer.FirstSpan;
            ParseStatus status = ParseSpan(span, handler, out int consumed);
            if (consumed > 0)
            {
                buffer = buffer.Slice(consumed);
            }

            if (status != ParseStatus.NeedMoreData)
            {
                return status;
            }

            if (consumed == span.Length)
            {
                continue; // the first segment was used up exactly; go on with the next
            }

            if (buffer.IsSingleSegment)
            {
                return DropSkipped(ref buffer, CheckPartial(buffer.FirstSpan));
            }

            // The next command straddles a segment boundary.
            status = ParseStraddling(ref buffer, handler, out bool progressed);
            if (status != ParseStatus.NeedMoreData || !progressed)
            {
                return status;
            }
        }

        return ParseStatus.NeedMoreData;
    }

    /// <summary>The fast path: commands that lie wholly inside one contiguous span.</summary>
    private ParseStatus ParseSpan<THandler>(ReadOnlySpan<byte> span, THandler handler, out int consumed)
        where THandler : IProtocolHandler
    {
        consumed = 0;
        Span<Range> tokens = stackalloc Range[MessageLineTokens];
        while (consumed < span.Length)
        {
            ReadOnlySpan<byte> rest = span[consumed..];
            var command = default(Command);

            // A plain message line (nearly every line) in one pass: its verb, arguments and end together.
            // Any other line, or one with a quirk, takes the general way, which finds its end first.
            int cr = ScanMessageLine(rest, tokens, out Verb verb, out int argStart, out int count);
            int nl;
            if (cr >= 0)
            {
                nl = cr + 1;
                if (!ParseMessageArguments(verb, rest[argStart..cr], tokens, count, ref command))
                {
                    return ParseStatus.Error;
                }
            }
            else
            {
                nl = rest.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    return ParseStatus.NeedMoreData;
                }

                if (LfStartsArgument(rest[..nl]))
                {
                    int next = rest[(nl + 1)..].IndexOf((byte)'\n');
                    if (next < 0)
                    {
                        return CheckContinued(rest.Length - nl);
                    }

                    nl += next + 1;
                }

                if (!ParseLine(rest[..nl], ref command))
                {
                    return ParseStatus.Error;
                }
            }

            ReadOnlySpan<byte> line = rest[..nl];

            int total = nl + 1;
            ReadOnlySpan<byte> payload = default;
            if (command.HasPayload)
            {
                if (!AnnouncePublish(ref command, handler))
                {
                    return ParseStatus.Stopped;
                }

                int need = command.TotalSize + 2;
                if (rest.Length - total < need)
                {
                    // nats-server looks at each byte as it comes: anything but CR after the payload fails at once.
                    return rest.Length - total == need - 1 && rest[total + command.TotalSize] != '\r'
                        ? Fail(ParseError.UnknownOperation, "")
                        : SplitPayload(ref command, handler);
                }

                payload = rest.Slice(total, command.TotalSize);
                if (rest[total + command.TotalSize] != '\r' || rest[total + command.TotalSize + 1] != '\n')
                {
                    return Fail(ParseError.UnknownOperation, "");
                }

                total += need;
            }

            if (Trace)
            {
                handler.TraceIn(TrimCr(line));
            }

            _publishLineCalls = 0;
            bool keepGoing = Dispatch(ref command, payload, handler);
            consumed += total;
            if (!keepGoing)
            {
                return ParseStatus.Stopped;
            }
        }

        return ParseStatus.NeedMoreData;
    }

    /// <summary>The slow path: one command whose line or payload crosses segments. Copies it.</summary>
    private ParseStatus ParseStraddling<THandler>(ref ReadOnlySequence<byte> buffer, THandler handler, out bool progressed)
        where THandler : IProtocolHandler
    {
        progressed = false;
        SequencePosition? nlPos = buffer.PositionOf((byte)'\n');
        if (nlPos is null)
        {
            return DropSkipped(ref buffer, CheckPartial(buffer));
        }

        var lineSeq = buffer.Slice(0, nlPos.Value);
        ReadOnlySpan<byte> line = CopyLine(lineSeq);
        if (LfStartsArgument(line))
        {
            var afterLf = buffer.Slice(buffer.GetPosition(1, nlPos.Value));
            nlPos = afterLf.PositionOf((byte)'\n');
            if (nlPos is null)
            {
                return CheckContinued(afterLf.Length + 1);
            }

            lineSeq = buffer.Slice(0, nlPos.Value);
            line = CopyLine(lineSeq);
        }

        var command = default(Command);
        if (!ParseLine(line, ref command))
        {
            return ParseStatus.Error;
        }

        var after = buffer.Slice(buffer.GetPosition(1, nlPos.Value));
        ReadOnlySpan<byte> payload = default;
        byte[]? rented = null;
        if (command.HasPayload)
        {
            if (!AnnouncePublish(ref command, handler))
            {
                return ParseStatus.Stopped;
            }

            int need = command.TotalSize + 2;
            if (after.Length < need)
            {
                return after.Length == need - 1 && after.Slice(command.TotalSize).FirstSpan[0] != '\r'
                    ? Fail(ParseError.UnknownOperation, "")
                    : SplitPayload(ref command, handler);
            }

            if (!IsCrLf(after.Slice(command.TotalSize, 2)))
            {
                return Fail(ParseError.UnknownOperation, "");
            }

            // A pooled copy, returned right after dispatch: big payloads that straddle
            // segments would otherwise cost an allocation each.
            rented = ArrayPool<byte>.Shared.Rent(command.TotalSize);
            after.Slice(0, command.TotalSize).CopyTo(rented);
            payload = rented.AsSpan(0, command.TotalSize);
            after = after.Slice(need);
        }

        try
        {
            if (Trace)
            {
                handler.TraceIn(TrimCr(line));
            }

            _publishLineCalls = 0;
            bool keepGoing = Dispatch(ref command, payload, handler);
            buffer = after;
            progressed = true;
            return keepGoing ? ParseStatus.NeedMoreData : ParseStatus.Stopped;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// nats-server takes the first byte after a verb's blanks as the start of the argument
    /// without looking at it: when that byte is the LF, the line goes on to the next LF
    /// (<c>CONNECT\n{...}\r\n</c> is one CONNECT).
    /// </summary>
    private bool LfStartsArgument(ReadOnlySpan<byte> line)
    {
        if (line.Length < 3 || (line[^1] is not ((byte)' ' or (byte)'\t') && line.Length is not (4 or 7)))
        {
            return false;
        }

        Verb verb = OpTable.Identify(line, out int argStart, RouteMode);
        return argStart == line.Length && OpTable.HasArgumentState(verb);
    }

    private ReadOnlySpan<byte> CopyLine(scoped in ReadOnlySequence<byte> lineSeq)
    {
        int lineLength = checked((int)lineSeq.Length);
        if (_lineScratch is null || _lineScratch.Length < lineLength)
        {
            _lineScratch = new byte[Math.Max(lineLength, Math.Max(256, (_lineScratch?.Length ?? 0) * 2))];
        }

        lineSeq.CopyTo(_lineScratch);
        return _lineScratch.AsSpan(0, lineLength);
    }

    /// <summary>A line continued past its LF and not complete yet: bounded like any other line.</summary>
    private ParseStatus CheckContinued(long argumentLength) =>
        argumentLength > MaxControlLine ? Fail(ParseError.MaxControlLineExceeded, "") : ParseStatus.NeedMoreData;

    /// <summary>
    /// Drops the bytes of a line being skipped up to its LF (all of them while it has not come),
    /// then handles its verb (PING, PONG, +OK).
    /// </summary>
    private ParseStatus SkipToLf<THandler>(ref ReadOnlySequence<byte> buffer, THandler handler)
        where THandler : IProtocolHandler
    {
        SequencePosition? lf = buffer.PositionOf((byte)'\n');
        if (lf is null)
        {
            buffer = buffer.Slice(buffer.End);
            return ParseStatus.NeedMoreData;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, lf.Value));
        var command = new Command { Verb = _skipping };
        _skipping = Verb.Unknown;
        _publishLineCalls = 0;
        return Dispatch(ref command, default, handler) ? ParseStatus.NeedMoreData : ParseStatus.Stopped;
    }

    /// <summary>A line that is being skipped keeps nothing in the buffer.</summary>
    private ParseStatus DropSkipped(ref ReadOnlySequence<byte> buffer, ParseStatus status)
    {
        if (_skipping != Verb.Unknown)
        {
            buffer = buffer.Slice(buffer.End);
        }

        return status;
    }

    /// <summary>
    /// A line without its LF past the limit: an error for a verb with arguments; PING, PONG and
    /// +OK ignore the rest of their line in nats-server (no limit applies), so it is skipped.
    /// </summary>
    private ParseStatus OverLong(ReadOnlySpan<byte> head)
    {
        Verb verb = OpTable.Identify(head, out _, RouteMode);
        if (verb is not (Verb.Ping or Verb.Pong or Verb.Ok))
        {
            return Fail(ParseError.MaxControlLineExceeded, "");
        }

        _skipping = verb;
        return ParseStatus.NeedMoreData;
    }

    private static bool IsCrLf(ReadOnlySequence<byte> two)
    {
        Span<byte> pair = stackalloc byte[2];
        two.CopyTo(pair);
        return pair[0] == '\r' && pair[1] == '\n';
    }

    private ParseStatus CheckPartial(in ReadOnlySequence<byte> partial)
    {
        if (partial.IsSingleSegment)
        {
            return CheckPartial(partial.FirstSpan);
        }

        if (partial.PositionOf((byte)'\n') is not null)
        {
            return ParseStatus.NeedMoreData; // a complete control line waiting for its payload
        }

        Span<byte> head = stackalloc byte[16];
        int n = (int)Math.Min(head.Length, partial.Length);
        partial.Slice(0, n).CopyTo(head);
        if (IsNotConnectWhileRequired(head[..n]))
        {
            return Fail(ParseError.AuthorizationRequired, "");
        }

        if (!OpTable.IsPlausiblePrefix(head[..n], RouteMode))
        {
            return Fail(ParseError.UnknownOperation, "");
        }

        return partial.Length > (long)MaxControlLine + OpTable.LongestVerb + 2
            ? OverLong(head[..n])
            : ParseStatus.NeedMoreData;
    }

    /// <summary>
    /// A line without its newline yet: fail early on a verb that can never be valid or on a
    /// line already longer than the limit, as nats-server's byte-wise parser does.
    /// </summary>
    private ParseStatus CheckPartial(ReadOnlySpan<byte> partial)
    {
        if (partial.Contains((byte)'\n'))
        {
            return ParseStatus.NeedMoreData; // a complete control line waiting for its payload
        }

        if (IsNotConnectWhileRequired(partial))
        {
            return Fail(ParseError.AuthorizationRequired, "");
        }

        if (!OpTable.IsPlausiblePrefix(partial[..Math.Min(partial.Length, 16)], RouteMode))
        {
            return Fail(ParseError.UnknownOperation, "");
        }

        return partial.Length > MaxControlLine + OpTable.LongestVerb + 2
            ? OverLong(partial[..Math.Min(partial.Length, 16)])
            : ParseStatus.NeedMoreData;
    }

    /// <summary>
    /// While CONNECT is required, nats-server refuses at the first byte that cannot start it:
    /// nothing else is buffered for a peer that has not authenticated.
    /// </summary>
    private bool IsNotConnectWhileRequired(ReadOnlySpan<byte> partial) =>
        RequireConnect && partial.Length > 0 && (partial[0] | 0x20) != 'c';

    /// <summary>Arguments a plain message line may have for <see cref="ScanMessageLine"/>; more take the general way.</summary>
    private const int MessageLineTokens = 8;

    /// <summary>
    /// PUB, HPUB, RMSG, HMSG (routes) and LMSG (leafnodes) in their plain form (one CRLF at the end, no
    /// other control bytes, an argument right after the verb's blanks): the verb, the arguments and the
    /// CR's index, in one pass. -1 for every other line: <see cref="ParseLine"/> takes it. On a plain line
    /// the verb, the arguments' start and the arguments are those ParseLine finds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanMessageLine(ReadOnlySpan<byte> rest, Span<Range> tokens, out Verb verb, out int argStart, out int count)
    {
        // Before CONNECT (when it is required) every line takes the general way: it answers for the first byte.
        int verbLength = 0;
        verb = RequireConnect ? Verb.Unknown : OpTable.IdentifyMessage(rest, RouteMode, RouteMode && LeafMode, out verbLength);
        if (verb == Verb.Unknown)
        {
            argStart = count = 0;
            return -1;
        }

        return ArgSplitter.ScanLine(rest, verbLength, tokens, out argStart, out count);
    }

    /// <summary>What <see cref="ParseLine"/> does with a message line's arguments, from the ones already found.</summary>
    private bool ParseMessageArguments(Verb verb, ReadOnlySpan<byte> args, scoped ReadOnlySpan<Range> tokens, int count, ref Command command)
    {
        if (OpTable.HasArguments(verb) && args.Length > MaxControlLine)
        {
            Fail(ParseError.MaxControlLineExceeded, "");
            return false;
        }

        command.Verb = verb;
        return verb switch
        {
            Verb.Pub => PubArguments(args, count, tokens[0], tokens[1], tokens[2], ref command),
            Verb.HPub => HPubArguments(args, count, tokens[0], tokens[1], tokens[2], tokens[3], ref command),
            Verb.HMsg => RoutedArguments(args, tokens, count, hasHeaders: true, ref command),
            _ => RoutedArguments(args, tokens, count, hasHeaders: false, ref command), // RMSG, a leafnode's LMSG
        };
    }

    /// <summary>Recognises the verb and splits the arguments of one control line (without its LF).</summary>
    private bool ParseLine(ReadOnlySpan<byte> rawLine, ref Command command)
    {
        ReadOnlySpan<byte> line = TrimCr(rawLine);

        // nats-server decides on the first byte: anything but C before CONNECT is an
        // authorization error, even when it is no operation at all.
        if (RequireConnect && (line.IsEmpty || (line[0] | 0x20) != 'c'))
        {
            Fail(ParseError.AuthorizationRequired, "");
            return false;
        }

        Verb verb = OpTable.Identify(line, out int argStart, RouteMode);
        if (verb == Verb.Unknown)
        {
            Fail(ParseError.UnknownOperation, "");
            return false;
        }

        if (RequireConnect && verb != Verb.Connect)
        {
            Fail(ParseError.AuthorizationRequired, "");
            return false;
        }

        // nats-server drops one byte before the LF once it has seen a CR among the arguments:
        // the CR itself when the line ends in CRLF, else whatever byte ends the line. The first
        // byte of the arguments is taken without being looked at, so a CR there does not count.
        ReadOnlySpan<byte> args = rawLine[argStart..];
        args = args.Length > 1 && args[1..].Contains((byte)'\r') ? args[..^1] : args;
        if (OpTable.HasArguments(verb) && args.Length > MaxControlLine)
        {
            Fail(ParseError.MaxControlLineExceeded, "");
            return false;
        }

        command.Verb = verb;
        switch (verb)
        {
            // nats-server reads SUB from a leafnode as LS+ (from a route it ignores it), and UNSUB
            // from either as RS-/LS-; from a leafnode RS+, RS- and RMSG are LS+, LS- and LMSG.
            case Verb.Sub when LeafMode:
                command.Verb = Verb.LSub;
                return ParseRemoteSubscription(args, ref command);
            case Verb.Sub when RouteMode:
                return true;
            case Verb.Unsub or Verb.RUnsub or Verb.LUnsub when LeafMode:
                command.Verb = Verb.LUnsub;
                ParseLeafUnsubscription(args, ref command);
                return true;
            case Verb.Unsub when RouteMode:
                command.Verb = Verb.RUnsub;
                return ParseRemoteUnsubscription(args, ref command);
            case Verb.Pub:
                return ParsePub(args, ref command);
            case Verb.HPub:
                return ParseHPub(args, ref command);
            case Verb.Sub:
                return ParseSub(args, ref command);
            case Verb.Unsub:
                return ParseUnsub(args, ref command);
            case Verb.HMsg when RouteMode:
                return ParseRoutedMessage(args, hasHeaders: true, ref command);
            case Verb.HMsg:
                // nats-server reads a client's HMSG line without looking at it and expects an empty
                // message (no subject, size 0): a CRLF right after it is published to nowhere.
                command.HasPayload = true;
                return true;
            case Verb.RMsg:
                return ParseRoutedMessage(args, hasHeaders: false, ref command);
            case Verb.LMsg when LeafMode:
                return ParseRoutedMessage(args, hasHeaders: false, ref command);
            case Verb.LMsg:
                // On routes: LMSG <origin cluster> then the HMSG arguments; the origin is not needed here.
                return ParseRoutedMessage(SkipToken(args), hasHeaders: true, ref command);
            case Verb.RSub:
                return ParseRemoteSubscription(args, ref command);
            case Verb.LSub:
                // On routes LS+ names the origin cluster first; on leafnodes it does not.
                return ParseRemoteSubscription(LeafMode ? args : SkipToken(args), ref command);
            case Verb.RUnsub:
            case Verb.LUnsub:
                return ParseRemoteUnsubscription(args, ref command);
            default:
                command.Text = args;
                return true;
        }
    }

    private bool ParsePub(ReadOnlySpan<byte> args, ref Command command)
    {
        var split = new ArgSplitter(args, crSeparates: false);
        int count = split.Split(out var a0, out var a1, out var a2, out _);
        return PubArguments(args, count, a0, a1, a2, ref command);
    }

    /// <summary>PUB subject [reply] size, from its split arguments (<paramref name="count"/> of them, the first three given).</summary>
    private bool PubArguments(ReadOnlySpan<byte> args, int count, Range a0, Range a1, Range a2, ref Command command)
    {
        long size;
        switch (count)
        {
            case 2:
                command.Subject = args[a0];
                size = ParseSize(args[a1]);
                break;
            case 3:
                command.Subject = args[a0];
                command.Reply = args[a1];
                size = ParseSize(args[a2]);
                break;
            default:
                return FailArgs("processPub Parse Error", args);
        }

        if (size < 0)
        {
            return FailArgs("processPub Bad or Missing Size", args);
        }

        if (size > MaxPayload)
        {
            Fail(ParseError.MaxPayloadExceeded, $"{size} > {MaxPayload}");
            return false;
        }

        command.TotalSize = (int)size;
        command.HasPayload = true;
        return true;
    }

    private bool ParseHPub(ReadOnlySpan<byte> args, ref Command command)
    {
        var split = new ArgSplitter(args, crSeparates: false);
        int count = split.Split(out var a0, out var a1, out var a2, out var a3);
        return HPubArguments(args, count, a0, a1, a2, a3, ref command);
    }

    /// <summary>HPUB subject [reply] hdr total, from its split arguments (<paramref name="count"/> of them, the first four given).</summary>
    private bool HPubArguments(ReadOnlySpan<byte> args, int count, Range a0, Range a1, Range a2, Range a3, ref Command command)
    {
        if (!HeadersAllowed)
        {
            Fail(ParseError.HeadersNotSupported, "message headers not supported");
            return false;
        }

        long headerSize;
        long totalSize;
        switch (count)
        {
            case 3:
                command.Subject = args[a0];
                headerSize = ParseSize(args[a1]);
                totalSize = ParseSize(args[a2]);
                break;
            case 4:
                command.Subject = args[a0];
                command.Reply = args[a1];
                headerSize = ParseSize(args[a2]);
                totalSize = ParseSize(args[a3]);
                break;
            default:
                return FailArgs("processHeaderPub Parse Error", args);
        }

        if (headerSize < 0)
        {
            return FailArgs("processHeaderPub Bad or Missing Header Size", args);
        }

        if (totalSize < 0)
        {
            return FailArgs("processHeaderPub Bad or Missing Total Size", args);
        }

        if (headerSize > totalSize)
        {
            return FailArgs("processHeaderPub Header Size larger then TotalSize", args);
        }

        if (totalSize > MaxPayload)
        {
            Fail(ParseError.MaxPayloadExceeded, $"{totalSize} > {MaxPayload}");
            return false;
        }

        command.HeaderSize = (int)headerSize;
        command.TotalSize = (int)totalSize;
        command.HasPayload = true;
        return true;
    }

    private bool ParseSub(ReadOnlySpan<byte> args, ref Command command)
    {
        var split = new ArgSplitter(args);
        int count = split.Split(out var a0, out var a1, out var a2, out _);
        switch (count)
        {
            case 2:
                command.Subject = args[a0];
                command.Sid = args[a1];
                return true;
            case 3:
                command.Subject = args[a0];
                command.Queue = args[a1];
                command.Sid = args[a2];
                return true;
            default:
                return FailArgs("processSub Parse Error", args);
        }
    }

    private bool ParseUnsub(ReadOnlySpan<byte> args, ref Command command)
    {
        var split = new ArgSplitter(args);
        int count = split.Split(out var a0, out var a1, out _, out _);
        switch (count)
        {
            case 1:
                command.Sid = args[a0];
                command.Max = -1;
                return true;
            case 2:
                command.Sid = args[a0];
                // A max that is not a number (or too long) parses as -1, like nats-server: no max, so the
                // subscription goes at once and the connection stays open.
                command.Max = ParseSize(args[a1]);
                return true;
            default:
                return FailArgs("processUnsub Parse Error", args);
        }
    }

    private const int MaxRoutedArgs = 64;

    /// <summary>
    /// RMSG/HMSG account subject [reply | + reply q1 q2.. | "|" q1 q2..] [hdr] total: queue
    /// names are the groups the sender picked this server for.
    /// </summary>
    private bool ParseRoutedMessage(ReadOnlySpan<byte> args, bool hasHeaders, ref Command command)
    {
        // Most routed lines have 3-5 arguments: the 64-entry buffer (zeroed) only when they do not fit.
        Span<Range> t = stackalloc Range[8];
        int n = ArgSplitter.Tokenize(args, t);
        if (n > t.Length && n <= MaxRoutedArgs)
        {
            t = stackalloc Range[MaxRoutedArgs];
            ArgSplitter.Tokenize(args, t);
        }

        return RoutedArguments(args, t, n, hasHeaders, ref command);
    }

    /// <summary>A routed message's arguments from its split ones (<paramref name="n"/> of them; those past the span's end not kept).</summary>
    private bool RoutedArguments(ReadOnlySpan<byte> args, scoped ReadOnlySpan<Range> t, int n, bool hasHeaders, ref Command command)
    {
        int sizes = hasHeaders ? 2 : 1;
        int b = SubjectIndex;
        if (n < b + 1 + sizes || n > MaxRoutedArgs)
        {
            return FailArgs("processRoutedMsgArgs Parse Error", args);
        }

        command.Account = b == 1 ? args[t[0]] : default;
        command.Subject = args[t[b]];
        int middle = n - (b + 1) - sizes;
        if (middle == 1)
        {
            command.Reply = args[t[b + 1]];
        }
        else if (middle > 1)
        {
            ReadOnlySpan<byte> marker = args[t[b + 1]];
            int firstQueue;
            if (marker.SequenceEqual("+"u8))
            {
                command.Reply = args[t[b + 2]];
                firstQueue = b + 3;
            }
            else if (marker.SequenceEqual("|"u8))
            {
                firstQueue = b + 2;
            }
            else
            {
                return FailArgs("processRoutedMsgArgs Bad Queue Marker", args);
            }

            // "+ reply" with no queue after it is taken as nats-server does: a reply, no queues.
            int lastQueue = n - sizes - 1;
            command.Queues = firstQueue <= lastQueue ? args[t[firstQueue].Start..t[lastQueue].End] : default;
        }

        long headerSize = hasHeaders ? ParseSize(args[t[n - 2]]) : 0;
        long totalSize = ParseSize(args[t[n - 1]]);
        if (headerSize < 0 || totalSize < 0 || headerSize > totalSize)
        {
            return FailArgs("processRoutedMsgArgs Bad or Missing Size", args);
        }

        if (totalSize > MaxPayload)
        {
            Fail(ParseError.MaxPayloadExceeded, $"{totalSize} > {MaxPayload}");
            return false;
        }

        command.HeaderSize = (int)headerSize;
        command.TotalSize = (int)totalSize;
        command.HasPayload = true;
        return true;
    }

    /// <summary>RS+ [account] subject [queue weight] (leafnodes have no account).</summary>
    private bool ParseRemoteSubscription(ReadOnlySpan<byte> args, ref Command command)
    {
        Span<Range> t = stackalloc Range[4];
        int n = ArgSplitter.Tokenize(args, t);
        int b = SubjectIndex;
        if (n == b + 1 || n == b + 3)
        {
            command.Account = b == 1 ? args[t[0]] : default;
            command.Subject = args[t[b]];
            if (n == b + 3)
            {
                command.Queue = args[t[b + 1]];
                // A weight that is no number is taken as nats-server does (it stores -1): here, one member.
                command.Weight = Math.Max(ParseSize(args[t[b + 2]]), 1);
                return true;
            }

            return true;
        }

        return FailArgs("processRemoteSub Parse Error", args);
    }

    /// <summary>RS- [account] subject [queue].</summary>
    private bool ParseRemoteUnsubscription(ReadOnlySpan<byte> args, ref Command command)
    {
        Span<Range> t = stackalloc Range[4];
        int n = ArgSplitter.Tokenize(args, t);
        int b = SubjectIndex;
        if (n < b + 1 || n > b + 2)
        {
            return FailArgs("processRemoteUnsub Parse Error", args);
        }

        command.Account = b == 1 ? args[t[0]] : default;
        command.Subject = args[t[b]];
        command.Queue = n == b + 2 ? args[t[b + 1]] : default;
        return true;
    }

    /// <summary>
    /// LS- from a leafnode: nats-server looks its whole argument up as the key its LS+ stored
    /// ("subject" or "subject queue"), so it never fails; an argument of any other form matches nothing.
    /// </summary>
    private static void ParseLeafUnsubscription(ReadOnlySpan<byte> args, ref Command command)
    {
        int blank = args.IndexOfAny((byte)' ', (byte)'\t');
        ReadOnlySpan<byte> subject = blank < 0 ? args : args[..blank];
        ReadOnlySpan<byte> queue = blank < 0 ? default : args[(blank + 1)..];
        if (subject.IsEmpty || subject.IndexOfAny((byte)'\r', (byte)'\n') >= 0 || (blank >= 0 && (args[blank] != ' '
            || queue.IsEmpty || queue.IndexOfAny(" \t\r\n"u8) >= 0)))
        {
            command.Verb = Verb.Ignored;
            return;
        }

        command.Subject = subject;
        command.Queue = queue;
    }

    private static ReadOnlySpan<byte> SkipToken(ReadOnlySpan<byte> args)
    {
        int i = 0;
        while (i < args.Length && args[i] is not ((byte)' ' or (byte)'\t'))
        {
            i++;
        }

        while (i < args.Length && args[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        return args[i..];
    }

    /// <summary>
    /// Tells the handler of a PUB/HPUB line once: the line is parsed again on every read until
    /// its payload is complete, and the count stays set until that command is dispatched.
    /// </summary>
    private bool AnnouncePublish<THandler>(ref Command command, THandler handler)
        where THandler : IProtocolHandler
    {
        if (_publishLineCalls != 0 || command.Verb is not (Verb.Pub or Verb.HPub))
        {
            return true;
        }

        _publishLineCalls = 1;
        return handler.OnPublishLine(command.Subject);
    }

    /// <summary>
    /// The read ended inside a payload. nats-server then runs its PUB argument processing a
    /// second time (clonePubArg), so a pedantic -ERR comes twice; once per command, as there.
    /// </summary>
    private ParseStatus SplitPayload<THandler>(ref Command command, THandler handler)
        where THandler : IProtocolHandler
    {
        if (RouteMode && !LeafMode && command.Verb is Verb.Pub or Verb.HPub && command.Reply.IsEmpty)
        {
            // nats-server holds a split payload by parsing the arguments again, a route's as RMSG/HMSG
            // arguments (clonePubArg): a PUB without a reply has one too few, a parser error.
            return Fail(ParseError.UnknownOperation, "");
        }

        if (command.Verb == Verb.HMsg && !RouteMode)
        {
            // The arguments of a client's HMSG cannot be parsed again to hold the rest (clonePubArg).
            return Fail(ParseError.UnknownOperation, "");
        }

        if (_publishLineCalls == 1)
        {
            _publishLineCalls = 2;
            if (!handler.OnPublishLine(command.Subject))
            {
                return ParseStatus.Stopped;
            }
        }

        return ParseStatus.NeedMoreData;
    }

    private static bool Dispatch<THandler>(ref Command command, ReadOnlySpan<byte> payload, THandler handler)
        where THandler : IProtocolHandler
    {
        if (command.Verb >= Verb.RSub || (command.Verb == Verb.HMsg && handler is IRouteProtocolHandler))
        {
            return DispatchRoute(ref command, payload, (IRouteProtocolHandler)handler);
        }

        return command.Verb switch
        {
            Verb.Pub => handler.OnPublish(command.Subject, command.Reply, 0, payload),
            Verb.HPub => handler.OnPublish(command.Subject, command.Reply, command.HeaderSize, payload),
            Verb.HMsg => handler.OnPublish(default, default, 0, payload),
            Verb.Sub => handler.OnSubscribe(command.Subject, command.Queue, command.Sid),
            Verb.Unsub => handler.OnUnsubscribe(command.Sid, command.Max),
            Verb.Ping => handler.OnPing(),
            Verb.Pong => handler.OnPong(),
            Verb.Connect => handler.OnConnect(command.Text),
            Verb.Info => handler.OnInfo(command.Text),
            Verb.Ok => handler.OnOk(),
            Verb.Err => handler.OnErr(command.Text),
            Verb.Ignored => true,
            _ => false,
        };
    }

    private static bool DispatchRoute(ref Command command, ReadOnlySpan<byte> payload, IRouteProtocolHandler handler) => command.Verb switch
    {
        Verb.RMsg or Verb.HMsg or Verb.LMsg => handler.OnRoutedMessage(command.Account, command.Subject, command.Reply, command.Queues, command.HeaderSize, payload),
        Verb.RSub or Verb.LSub => handler.OnRemoteSubscribe(command.Account, command.Subject, command.Queue, (int)command.Weight),
        Verb.RUnsub or Verb.LUnsub => handler.OnRemoteUnsubscribe(command.Account, command.Subject, command.Queue),
        _ => false,
    };

    /// <summary>Decimal digits only, at most 9 of them; anything else is -1 (a bad size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ParseSize(ReadOnlySpan<byte> digits)
    {
        if (digits.Length == 0 || digits.Length > MaxSizeDigits)
        {
            return -1;
        }

        long n = 0;
        foreach (byte b in digits)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                return -1;
            }

            n = (n * 10) + d;
        }

        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;

    private bool FailArgs(string what, ReadOnlySpan<byte> args)
    {
        Fail(ParseError.BadArguments, $"{what}: \"{System.Text.Encoding.UTF8.GetString(args)}\"");
        return false;
    }

    private ParseStatus Fail(ParseError error, string detail)
    {
        Error = error;
        ErrorDetail = detail;
        return ParseStatus.Error;
    }

    /// <summary>One parsed control line; each verb fills the fields it has (slices of the line).</summary>
    private ref struct Command
    {
        public Verb Verb;
        public ReadOnlySpan<byte> Account; // RMSG/HMSG, RS+/RS- (routes name it; leafnodes do not)
        public ReadOnlySpan<byte> Subject; // PUB, HPUB, SUB, RMSG/LMSG/HMSG, RS±/LS±
        public ReadOnlySpan<byte> Reply; // PUB, HPUB, routed messages
        public ReadOnlySpan<byte> Queue; // SUB, RS±/LS±
        public ReadOnlySpan<byte> Sid; // SUB, UNSUB
        public ReadOnlySpan<byte> Queues; // routed messages: the groups the sender picked us for
        public ReadOnlySpan<byte> Text; // CONNECT/INFO JSON, -ERR text
        public int HeaderSize;
        public int TotalSize;
        public bool HasPayload;
        public long Max; // UNSUB: deliveries before it goes (-1: none)
        public long Weight; // RS+/LS+ of a queue group: its member count
    }
}
