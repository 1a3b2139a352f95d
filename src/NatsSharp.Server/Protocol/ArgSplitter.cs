using System.Buffers;

namespace NatsSharp.Server.Protocol;

/// <summary>Splits a control line's arguments on runs of spaces and tabs (and CRs), without allocating.</summary>
internal readonly ref struct ArgSplitter
{
    private static readonly SearchValues<byte> Blanks = SearchValues.Create(" \t"u8);
    private static readonly SearchValues<byte> BlanksCrLf = SearchValues.Create(" \t\r\n"u8);

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
    public int Split(out Range a0, out Range a1, out Range a2, out Range a3)
    {
        a0 = a1 = a2 = a3 = default;
        SearchValues<byte> blanks = _crSeparates ? BlanksCrLf : Blanks;
        ReadOnlySpan<byte> args = _args;

        // Token by token (a PUB line has two or three), each end found by a vectorized search
        // instead of a test per byte: the split was the largest single item of a pub/sub profile.
        int count = 0;
        int i = 0;
        while (i < args.Length)
        {
            int skip = args[i..].IndexOfAnyExcept(blanks);
            if (skip < 0)
            {
                break;
            }

            int start = i + skip;
            int length = args[start..].IndexOfAny(blanks);
            int end = length < 0 ? args.Length : start + length;
            var range = new Range(start, end);
            switch (count)
            {
                case 0: a0 = range; break;
                case 1: a1 = range; break;
                case 2: a2 = range; break;
                case 3: a3 = range; break;
            }

            count++;
            i = end + 1; // past the blank that ended it
        }

        return count;
    }

    /// <summary>Splits on runs of blanks, CR and LF into <paramref name="tokens"/>; returns the count (may exceed the span).</summary>
    public static int Tokenize(ReadOnlySpan<byte> args, Span<Range> tokens)
    {
        int count = 0;
        int i = 0;
        while (i < args.Length)
        {
            int skip = args[i..].IndexOfAnyExcept(BlanksCrLf);
            if (skip < 0)
            {
                break;
            }

            int start = i + skip;
            int length = args[start..].IndexOfAny(BlanksCrLf);
            int end = length < 0 ? args.Length : start + length;
            if (count < tokens.Length)
            {
                tokens[count] = new Range(start, end);
            }

            count++;
            i = end + 1;
        }

        return count;
    }
}
