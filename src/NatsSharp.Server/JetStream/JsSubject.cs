namespace NatsSharp.Server.JetStream;

/// <summary>Subject matching on strings, for the JetStream layer's filters (streams, consumers, purge).</summary>
internal static class JsSubject
{
    /// <summary>"" and ">" match everything.</summary>
    public static bool IsAll(string? filter) => string.IsNullOrEmpty(filter) || filter == ">";

    public static bool HasWildcard(string subject) => Auth.SubjectSubset.HasWildcard(subject);

    /// <summary>A literal <paramref name="subject"/> against a pattern <paramref name="filter"/>.</summary>
    public static bool Matches(string subject, string? filter)
    {
        if (IsAll(filter))
        {
            return true;
        }

        ReadOnlySpan<char> s = subject;
        ReadOnlySpan<char> f = filter;
        while (true)
        {
            int fi = f.IndexOf('.');
            ReadOnlySpan<char> ft = fi < 0 ? f : f[..fi];
            if (ft is ">")
            {
                return s.Length > 0;
            }

            int si = s.IndexOf('.');
            ReadOnlySpan<char> st = si < 0 ? s : s[..si];
            if (s.Length == 0 || (ft is not "*" && !ft.SequenceEqual(st)))
            {
                return false;
            }

            if (fi < 0 || si < 0)
            {
                return fi < 0 && si < 0;
            }

            f = f[(fi + 1)..];
            s = s[(si + 1)..];
        }
    }

    /// <summary>Whether some subject matches both patterns.</summary>
    public static bool Overlap(string a, string b) => Auth.SubjectSubset.Collide(a, b);

    /// <summary>Whether every subject <paramref name="inner"/> matches is matched by <paramref name="outer"/>.</summary>
    public static bool IsSubset(string inner, string outer) => Auth.SubjectSubset.IsSubset(inner, outer);

    public static bool IsValidLiteral(string subject) =>
        subject.Length > 0 && Subjects.SubjectRules.IsValidPublishSubject(System.Text.Encoding.UTF8.GetBytes(subject));

    public static bool IsValid(string subject) =>
        subject.Length > 0 && Subjects.SubjectRules.IsValidSubscribeSubject(System.Text.Encoding.UTF8.GetBytes(subject));
}
