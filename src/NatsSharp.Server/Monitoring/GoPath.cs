using System.Text;

namespace NatsSharp.Server.Monitoring;

/// <summary>Go's ServeMux path rules: the clean form it redirects to, and that path escaped for Location.</summary>
internal static class GoPath
{
    /// <summary>
    /// Go's cleanPath: rooted, repeated slashes and "." dropped, ".." resolved (never above the root),
    /// a trailing slash kept.
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        var parts = new List<string>();
        foreach (string part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        string clean = "/" + string.Join('/', parts);
        return path[^1] == '/' && clean != "/" ? clean + "/" : clean;
    }

    /// <summary>Go's URL path escaping: letters, digits and <c>-_.~$&amp;+,/:;=@</c> stay, other bytes become %XX.</summary>
    public static string Escape(string path)
    {
        var result = new StringBuilder(path.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(path))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "-_.~$&+,/:;=@".Contains((char)b, StringComparison.Ordinal))
            {
                result.Append((char)b);
            }
            else
            {
                result.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return result.ToString();
    }
}
