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

    // Every byte of a subject, size or sid is above the space: one comparison per byte on the way
    // (the split was the largest single item of a pub/sub profile when each byte took four). NativeAOT
    // did not inline it on its own: a call per byte was 9.5 % of a pub/sub profile.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBlank(byte b, bool cr) =>
        b <= (byte)' ' && (b is (byte)' ' or (byte)'\t' || (cr && b is (byte)'\r' or (byte)'\n'));
}
