namespace NatsSharp.Server.Subjects;

/// <summary>
/// Subject syntax: tokens separated by '.', '*' matches one token and '>' one or more
/// trailing tokens, but only when they form a whole token ("foo*" is a literal token).
/// </summary>
internal static class SubjectRules
{
    public const byte Separator = (byte)'.';
    public const byte SingleWildcard = (byte)'*';
    public const byte FullWildcard = (byte)'>';

    /// <summary>Valid for SUB: non-empty tokens, no whitespace, '>' only as the last token.</summary>
    public static bool IsValidSubscribeSubject(ReadOnlySpan<byte> subject) => Validate(subject, allowWildcards: true);

    /// <summary>Valid for PUB in pedantic mode: like SUB but no wildcard tokens at all.</summary>
    public static bool IsValidPublishSubject(ReadOnlySpan<byte> subject) => Validate(subject, allowWildcards: false);

    /// <summary>True if no token is exactly '*' or '>'. Does not check validity.</summary>
    public static bool IsLiteral(ReadOnlySpan<byte> subject)
    {
        // Only single-byte tokens can be wildcards, so look at each '*'/'>' and its neighbours.
        int i = 0;
        while (true)
        {
            int at = subject[i..].IndexOfAny(SingleWildcard, FullWildcard);
            if (at < 0)
            {
                return true;
            }

            i += at;
            if ((i == 0 || subject[i - 1] == Separator) && (i + 1 == subject.Length || subject[i + 1] == Separator))
            {
                return false;
            }

            i++;
        }
    }

    /// <summary>Queue group names: non-empty, no whitespace.</summary>
    public static bool IsValidQueueName(ReadOnlySpan<byte> queue) =>
        !queue.IsEmpty && queue.IndexOfAny(" \t\r\n\f"u8) < 0;

    /// <summary>
    /// True if a subject from a publisher has no empty tokens, which is all the trie
    /// needs to walk it; wildcard tokens in it are matched as literal tokens.
    /// </summary>
    public static bool HasNoEmptyTokens(ReadOnlySpan<byte> subject) =>
        !subject.IsEmpty
        && subject[0] != Separator
        && subject[^1] != Separator
        && subject.IndexOf(".."u8) < 0;

    /// <summary>
    /// Does the published <paramref name="subject"/> match the subscription
    /// <paramref name="pattern"/>? Tokens of the subject are all literal, even '*'.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> subject, ReadOnlySpan<byte> pattern)
    {
        while (true)
        {
            int pDot = pattern.IndexOf(Separator);
            var pToken = pDot < 0 ? pattern : pattern[..pDot];
            int sDot = subject.IndexOf(Separator);
            var sToken = sDot < 0 ? subject : subject[..sDot];

            if (pToken.Length == 1 && pToken[0] == FullWildcard)
            {
                // '>' needs at least one token, which sToken is as long as the subject is not empty.
                return !sToken.IsEmpty;
            }

            bool tokenMatches = pToken.Length == 1 && pToken[0] == SingleWildcard
                ? !sToken.IsEmpty
                : pToken.SequenceEqual(sToken);
            if (!tokenMatches)
            {
                return false;
            }

            if (pDot < 0 || sDot < 0)
            {
                // Both must run out of tokens together.
                return pDot < 0 && sDot < 0;
            }

            pattern = pattern[(pDot + 1)..];
            subject = subject[(sDot + 1)..];
        }
    }

    private static bool Validate(ReadOnlySpan<byte> subject, bool allowWildcards)
    {
        if (subject.IsEmpty)
        {
            return false;
        }

        bool sawFullWildcard = false;
        while (true)
        {
            int dot = subject.IndexOf(Separator);
            var token = dot < 0 ? subject : subject[..dot];
            if (token.IsEmpty || sawFullWildcard || token.IndexOfAny(" \t\r\n\f"u8) >= 0)
            {
                return false;
            }

            if (token.Length == 1 && (token[0] == SingleWildcard || token[0] == FullWildcard))
            {
                if (!allowWildcards)
                {
                    return false;
                }

                sawFullWildcard = token[0] == FullWildcard;
            }

            if (dot < 0)
            {
                return true;
            }

            subject = subject[(dot + 1)..];
        }
    }
}
