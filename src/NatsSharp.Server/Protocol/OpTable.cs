using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace NatsSharp.Server.Protocol;

/// <summary>Case-insensitive recognition of the client protocol's verbs.</summary>
internal static class OpTable
{
    /// <summary>"CONNECT".Length: the longest verb, used to bound a partial line.</summary>
    public const int LongestVerb = 7;

    // Verbs that need a space or tab before their arguments.
    private static ReadOnlySpan<byte> Pub => "pub"u8;
    private static ReadOnlySpan<byte> HPub => "hpub"u8;
    private static ReadOnlySpan<byte> HMsg => "hmsg"u8;
    private static ReadOnlySpan<byte> Sub => "sub"u8;
    private static ReadOnlySpan<byte> Unsub => "unsub"u8;
    private static ReadOnlySpan<byte> Err => "-err"u8;
    private static ReadOnlySpan<byte> RSub => "rs+"u8;
    private static ReadOnlySpan<byte> RUnsub => "rs-"u8;
    private static ReadOnlySpan<byte> RMsg => "rmsg"u8;
    private static ReadOnlySpan<byte> LSub => "ls+"u8;
    private static ReadOnlySpan<byte> LUnsub => "ls-"u8;
    private static ReadOnlySpan<byte> LMsg => "lmsg"u8;

    // Verbs whose rest of line is ignored (PING, PONG, +OK) or optional-whitespace JSON.
    private static ReadOnlySpan<byte> Ping => "ping"u8;
    private static ReadOnlySpan<byte> Pong => "pong"u8;
    private static ReadOnlySpan<byte> Ok => "+ok"u8;
    private static ReadOnlySpan<byte> Connect => "connect"u8;
    private static ReadOnlySpan<byte> Info => "info"u8;

    /// <summary>
    /// The verb of a control line. Route verbs (RS+, RS-, RMSG, LS+, LS-, LMSG) are recognised
    /// only with <paramref name="routeVerbs"/>; from a client they are unknown operations.
    /// </summary>
    public static Verb Identify(ReadOnlySpan<byte> line, out int argStart, bool routeVerbs = false)
    {
        argStart = 0;
        if (line.IsEmpty)
        {
            return Verb.Unknown;
        }

        switch (line[0] | 0x20)
        {
            case 'p':
                if (MatchSeparated(line, Pub, ref argStart))
                {
                    return Verb.Pub;
                }

                if (StartsWith(line, Ping))
                {
                    return Verb.Ping;
                }

                return StartsWith(line, Pong) ? Verb.Pong : Verb.Unknown;
            case 's':
                return MatchSeparated(line, Sub, ref argStart) ? Verb.Sub : Verb.Unknown;
            case 'u':
                return MatchSeparated(line, Unsub, ref argStart) ? Verb.Unsub : Verb.Unknown;
            case 'h':
                if (MatchSeparated(line, HPub, ref argStart))
                {
                    return Verb.HPub;
                }

                return MatchSeparated(line, HMsg, ref argStart) ? Verb.HMsg : Verb.Unknown;
            case 'c':
                return MatchJson(line, Connect, ref argStart) ? Verb.Connect : Verb.Unknown;
            case 'i':
                return MatchJson(line, Info, ref argStart) ? Verb.Info : Verb.Unknown;
            case '+':
                return StartsWith(line, Ok) ? Verb.Ok : Verb.Unknown;
            case '-':
                return MatchSeparated(line, Err, ref argStart) ? Verb.Err : Verb.Unknown;
            // The message verb first: it is nearly every line a route or leaf sends.
            case 'r' when routeVerbs:
                return MatchSeparated(line, RMsg, ref argStart) ? Verb.RMsg
                    : MatchSeparated(line, RSub, ref argStart) ? Verb.RSub
                    : MatchSeparated(line, RUnsub, ref argStart) ? Verb.RUnsub : Verb.Unknown;
            case 'l' when routeVerbs:
                return MatchSeparated(line, LMsg, ref argStart) ? Verb.LMsg
                    : MatchSeparated(line, LSub, ref argStart) ? Verb.LSub
                    : MatchSeparated(line, LUnsub, ref argStart) ? Verb.LUnsub : Verb.Unknown;
            default:
                return Verb.Unknown;
        }
    }

    // The message verbs as little-endian words of lower-case letters (letter | 0x20 is the lower case, and only
    // that letter and its upper case give it).
    private const uint PubWord = 'p' | ('u' << 8) | ('b' << 16);
    private const uint HPubWord = PubWord << 8 | 'h';
    private const uint RMsgWord = 'r' | ('m' << 8) | ('s' << 16) | ((uint)'g' << 24);
    private const uint HMsgWord = 'h' | ('m' << 8) | ('s' << 16) | ((uint)'g' << 24);
    private const uint LMsgWord = 'l' | ('m' << 8) | ('s' << 16) | ((uint)'g' << 24);

    /// <summary>
    /// The message verbs only (PUB, HPUB, and with <paramref name="routeVerbs"/> RMSG and HMSG, with
    /// <paramref name="leafVerbs"/> LMSG), from one read of the first four bytes; the verb's separator is
    /// checked, not skipped. Unknown for anything else: <see cref="Identify"/> decides those. Where it
    /// answers, it answers as <see cref="Identify"/> does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Verb IdentifyMessage(ReadOnlySpan<byte> line, bool routeVerbs, bool leafVerbs, out int verbLength)
    {
        verbLength = 0;
        if (line.Length < 5)
        {
            return Verb.Unknown;
        }

        uint word = BinaryPrimitives.ReadUInt32LittleEndian(line) | 0x20202020;
        if ((word & 0xFFFFFF) == PubWord && IsBlank(line[3]))
        {
            verbLength = 3;
            return Verb.Pub;
        }

        if (!IsBlank(line[4]))
        {
            return Verb.Unknown;
        }

        verbLength = 4;
        return word switch
        {
            HPubWord => Verb.HPub,
            RMsgWord when routeVerbs => Verb.RMsg,
            HMsgWord when routeVerbs => Verb.HMsg, // a client's HMSG is a quirk of its own: Identify's
            LMsgWord when leafVerbs => Verb.LMsg, // a route's LMSG names the origin cluster first: Identify's
            _ => Verb.Unknown,
        };
    }

    public static bool HasArguments(Verb verb) =>
        verb is Verb.Pub or Verb.HPub or Verb.Sub or Verb.Unsub or Verb.Connect or Verb.Info or Verb.Err or Verb.HMsg;

    /// <summary>
    /// Verbs that nats-server reads into an argument state (everything after the verb and its
    /// blanks, up to the LF, is the argument); PING, PONG and +OK ignore the rest of their line.
    /// </summary>
    public static bool HasArgumentState(Verb verb) => verb is not (Verb.Unknown or Verb.Ping or Verb.Pong or Verb.Ok);

    /// <summary>Could these first bytes of a line still become a valid command?</summary>
    public static bool IsPlausiblePrefix(ReadOnlySpan<byte> head, bool routeVerbs = false)
    {
        if (head.IsEmpty)
        {
            return true;
        }

        if (routeVerbs && (PrefixOf(head, RSub) || PrefixOf(head, RUnsub) || PrefixOf(head, RMsg)
            || PrefixOf(head, LSub) || PrefixOf(head, LUnsub) || PrefixOf(head, LMsg)))
        {
            return true;
        }

        return PrefixOf(head, Pub) || PrefixOf(head, Ping) || PrefixOf(head, Pong) || PrefixOf(head, HPub)
            || PrefixOf(head, HMsg) || PrefixOf(head, Sub) || PrefixOf(head, Unsub) || PrefixOf(head, Connect)
            || PrefixOf(head, Info) || PrefixOf(head, Ok) || PrefixOf(head, Err);
    }

    private static bool PrefixOf(ReadOnlySpan<byte> head, ReadOnlySpan<byte> verb)
    {
        int n = Math.Min(head.Length, verb.Length);
        return StartsWith(head[..n], verb[..n]);
    }

    // Inlined: NativeAOT left these as calls, a call per byte of every verb (6 % of a route's receiving profile).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsBlank(byte b) => b is (byte)' ' or (byte)'\t';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool StartsWith(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerVerb)
    {
        if (line.Length < lowerVerb.Length)
        {
            return false;
        }

        for (int i = 0; i < lowerVerb.Length; i++)
        {
            // Letters in either case; '+' and '-' only as themselves (0x0b | 0x20 is '+', 0x0d | 0x20 is '-').
            byte b = lowerVerb[i] is >= (byte)'a' and <= (byte)'z' ? (byte)(line[i] | 0x20) : line[i];
            if (b != lowerVerb[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The verb, at least one blank, then the arguments start after the blanks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MatchSeparated(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerVerb, ref int argStart)
    {
        if (!StartsWith(line, lowerVerb) || line.Length == lowerVerb.Length || !IsBlank(line[lowerVerb.Length]))
        {
            return false;
        }

        int i = lowerVerb.Length;
        while (i < line.Length && IsBlank(line[i]))
        {
            i++;
        }

        argStart = i;
        return true;
    }

    /// <summary>CONNECT and INFO: blanks between the verb and the JSON are optional.</summary>
    private static bool MatchJson(ReadOnlySpan<byte> line, ReadOnlySpan<byte> lowerVerb, ref int argStart)
    {
        if (!StartsWith(line, lowerVerb))
        {
            return false;
        }

        int i = lowerVerb.Length;
        while (i < line.Length && IsBlank(line[i]))
        {
            i++;
        }

        argStart = i;
        return true;
    }
}
