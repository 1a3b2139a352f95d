namespace NatsSharp.Server.JetStream.Storage;

/// <summary>A stream filter ("" and ">" = everything, '*' and '>' wildcards) matched against stored subjects.</summary>
internal static class SubjectFilter
{
    public static bool IsAll(string? filter) => string.IsNullOrEmpty(filter) || filter == ">";

    public static bool IsLiteral(string filter) => !IsAll(filter) && !HasWildcard(filter);

    public static bool Matches(string subject, string filter)
    {
        if (IsAll(filter))
        {
            return true;
        }

        var s = subject.AsSpan();
        var p = filter.AsSpan();
        while (true)
        {
            int pDot = p.IndexOf('.');
            var pToken = pDot < 0 ? p : p[..pDot];
            int sDot = s.IndexOf('.');
            var sToken = sDot < 0 ? s : s[..sDot];
            if (pToken is ">")
            {
                return !sToken.IsEmpty;
            }

            if (!(pToken is "*" ? !sToken.IsEmpty : pToken.SequenceEqual(sToken)))
            {
                return false;
            }

            if (pDot < 0 || sDot < 0)
            {
                return pDot < 0 && sDot < 0;
            }

            p = p[(pDot + 1)..];
            s = s[(sDot + 1)..];
        }
    }

    private static bool HasWildcard(string filter)
    {
        // A wildcard is a whole token: "a.*", "*.b", ">" (not "a*b").
        for (int i = 0; i < filter.Length; i++)
        {
            char c = filter[i];
            if ((c == '*' || c == '>') && (i == 0 || filter[i - 1] == '.') && (i == filter.Length - 1 || filter[i + 1] == '.'))
            {
                return true;
            }
        }

        return false;
    }
}
