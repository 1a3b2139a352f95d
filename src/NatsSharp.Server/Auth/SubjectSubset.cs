using NatsSharp.Server.Subjects;

namespace NatsSharp.Server.Auth;

/// <summary>Is every subject matched by one pattern also matched by another (nats-server's subjectIsSubsetMatch)?</summary>
internal static class SubjectSubset
{
    /// <summary>True if <paramref name="subject"/> (which may hold wildcards) lies within <paramref name="pattern"/>.</summary>
    public static bool IsSubset(ReadOnlySpan<char> subject, ReadOnlySpan<char> pattern)
    {
        while (true)
        {
            if (pattern.IsEmpty)
            {
                return subject.IsEmpty;
            }

            if (subject.IsEmpty)
            {
                return false;
            }

            ReadOnlySpan<char> p = NextToken(ref pattern);
            ReadOnlySpan<char> s = NextToken(ref subject);
            if (p.Length == 0 || s.Length == 0)
            {
                return false;
            }

            if (p is ">")
            {
                return true;
            }

            if (s is ">")
            {
                return false;
            }

            if (p is "*")
            {
                continue;
            }

            if (s is "*" || !s.SequenceEqual(p))
            {
                return false;
            }
        }
    }

    /// <summary>True if the pattern has a '*' or '>' token.</summary>
    public static bool HasWildcard(string subject) =>
        !SubjectRules.IsLiteral(System.Text.Encoding.UTF8.GetBytes(subject));

    private static ReadOnlySpan<char> NextToken(ref ReadOnlySpan<char> rest)
    {
        int dot = rest.IndexOf('.');
        ReadOnlySpan<char> token;
        if (dot < 0)
        {
            token = rest;
            rest = default;
        }
        else
        {
            token = rest[..dot];
            rest = rest[(dot + 1)..];
            if (rest.IsEmpty)
            {
                // A trailing '.' leaves an empty token behind, which matches nothing.
                rest = ".";
            }
        }

        return token;
    }

    /// <summary>
    /// Whether some subject could match both <paramref name="a"/> and <paramref name="b"/>
    /// (nats-server's SubjectsCollide): equal literals, a literal inside a pattern, or two patterns
    /// whose tokens can line up.
    /// </summary>
    public static bool Collide(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        string[] ta = a.Split('.');
        string[] tb = b.Split('.');
        bool literalA = !ta.Any(IsWildcard);
        bool literalB = !tb.Any(IsWildcard);
        if (literalA && literalB)
        {
            return false;
        }

        if (literalA || literalB)
        {
            return literalA ? IsSubset(a, b) : IsSubset(b, a);
        }

        bool fullA = ta[^1] == ">";
        bool fullB = tb[^1] == ">";
        if (ta.Length != tb.Length && ((ta.Length < tb.Length && !fullA) || (tb.Length < ta.Length && !fullB)))
        {
            return false;
        }

        for (int i = 0; i < Math.Min(ta.Length, tb.Length); i++)
        {
            if (!IsWildcard(ta[i]) && !IsWildcard(tb[i]) && ta[i] != tb[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWildcard(string token) => token is "*" or ">";
}
