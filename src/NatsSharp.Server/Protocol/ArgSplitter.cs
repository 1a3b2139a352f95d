using System.Runtime.CompilerServices;

namespace NatsSharp.Server.Protocol;

/// <summary>Splits a control line's arguments on runs of spaces and tabs (and CRs), without allocating.</summary>
internal readonly ref struct ArgSplitter
{
    private readonly ReadOnlySpan<byte> _args;
    private readonly bool _crSeparates;

    /// <summary>
    /// nats-server splits PUB and HPUB arguments on spaces and tabs only (a CR inside stays part of
    /// an argument) and every other operation's also on CR: <paramref name="crSeparates"/> says which.
    /// </summary>
    public ArgSplitter(ReadOnlySpan<byte> args, bool crSeparates = true)
    {
        _args = args;
        _crSeparates = crSeparates;
    }

    /// <summary>Returns how many arguments there are (it may be more than four; only four are returned).</summary>
    /// <remarks>Inlined into each caller: the four ranges then stay in registers instead of being stored through out pointers.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Split(out Range a0, out Range a1, out Range a2, out Range a3)
    {
        a0 = a1 = a2 = a3 = default;
        ReadOnlySpan<byte> args = _args;
        bool cr = _crSeparates;
        int count = 0;
        int i = 0;
        while (true)
        {
            while (i < args.Length && IsBlank(args[i], cr))
            {
                i++;
            }

            if (i == args.Length)
            {
                return count;
            }

            int start = i;
            while (i < args.Length && !IsBlank(args[i], cr))
            {
                i++;
            }

            var range = new Range(start, i);
            switch (count)
            {
                case 0: a0 = range; break;
                case 1: a1 = range; break;
                case 2: a2 = range; break;
                case 3: a3 = range; break;
            }

            count++;
        }
    }

    /// <summary>Splits on runs of blanks, CR and LF into <paramref name="tokens"/>; returns the count (may exceed the span).</summary>
    public static int Tokenize(ReadOnlySpan<byte> args, Span<Range> tokens)
    {
        int count = 0;
        int i = 0;
        while (true)
        {
            while (i < args.Length && IsBlank(args[i], cr: true))
            {
                i++;
            }

            if (i == args.Length)
            {
                return count;
            }

            int start = i;
            while (i < args.Length && !IsBlank(args[i], cr: true))
            {
                i++;
            }

            if (count < tokens.Length)
            {
                tokens[count] = new Range(start, i);
            }

            count++;
        }
    }

    /// <summary>
    /// One pass over a plain control line from the end of its verb: the blanks after the verb, then the
    /// arguments (runs of bytes above the space, between runs of spaces and tabs; the first at
    /// <paramref name="start"/>) into <paramref name="tokens"/>, relative to <paramref name="start"/>, and
    /// the line's end. Returns the index
    /// of the CR of the line's CRLF, or -1 when the line is not plain: no CRLF in <paramref name="line"/>
    /// yet, a control byte where the first argument starts, any other control byte (a lone CR or LF
    /// among them), or more arguments than <paramref name="tokens"/> holds. The callers' general path takes
    /// those lines, with every quirk. On a plain line the arguments are what <see cref="Split"/> and
    /// <see cref="Tokenize"/> find in the bytes between <paramref name="start"/> and the CR.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ScanLine(ReadOnlySpan<byte> line, int verbEnd, Span<Range> tokens, out int start, out int count)
    {
        count = 0;
        int i = verbEnd;
        while ((uint)i < (uint)line.Length && line[i] is (byte)' ' or (byte)'\t')
        {
            i++;
        }

        start = i;
        if ((uint)i >= (uint)line.Length || line[i] <= (byte)' ')
        {
            return -1;
        }

        while (true)
        {
            int tokenStart = i;
            byte b;
            do
            {
                if ((uint)++i >= (uint)line.Length)
                {
                    return -1;
                }

                b = line[i];
            }
            while (b > (byte)' ');

            if ((uint)count >= (uint)tokens.Length)
            {
                return -1;
            }

            tokens[count++] = new Range(tokenStart - start, i - start);
            while (b is (byte)' ' or (byte)'\t')
            {
                if ((uint)++i >= (uint)line.Length)
                {
                    return -1;
                }

                b = line[i];
            }

            if (b > (byte)' ')
            {
                continue;
            }

            return b == (byte)'\r' && (uint)(i + 1) < (uint)line.Length && line[i + 1] == (byte)'\n' ? i : -1;
        }
    }

    // Every byte of a subject, size or sid is above the space: one comparison per byte on the way
    // (the split was the largest single item of a pub/sub profile when each byte took four). NativeAOT
    // did not inline it on its own: a call per byte was 9.5 % of a pub/sub profile.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBlank(byte b, bool cr) =>
        b <= (byte)' ' && (b is (byte)' ' or (byte)'\t' || (cr && b is (byte)'\r' or (byte)'\n'));
}
