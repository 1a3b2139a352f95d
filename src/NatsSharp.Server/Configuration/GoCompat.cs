using System.Globalization;
using System.Text;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// Small pieces of Go's standard library whose exact behaviour leaks into nats-server's config
/// handling: <c>strconv.Quote</c> (used by <c>%q</c> in error texts), <c>path/filepath</c> joining
/// (include paths), <c>net.SplitHostPort</c> (listen strings) and OS error wording.
/// </summary>
internal static class GoCompat
{
    /// <summary><c>filepath.Dir</c>: "." for a bare file name.</summary>
    public static string Dir(string path)
    {
        int slash = path.LastIndexOf('/');
        return Clean(slash < 0 ? "" : path[..(slash + 1)]);
    }

    /// <summary>
    /// <c>filepath.Join(dir, elem)</c>. Unlike <see cref="Path.Combine(string, string)"/> an absolute
    /// <paramref name="elem"/> is still appended to <paramref name="dir"/>, exactly like nats-server does
    /// for include paths.
    /// </summary>
    public static string Join(string dir, string elem)
    {
        if (dir.Length == 0)
        {
            return elem.Length == 0 ? "" : Clean(elem);
        }
        if (elem.Length == 0)
        {
            return Clean(dir);
        }
        return Clean(dir + "/" + elem);
    }

    /// <summary><c>path.Clean</c>: lexical normalisation of slashes, "." and "..".</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }
        bool rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (string part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add("..");
                }
                continue;
            }
            parts.Add(part);
        }
        string joined = string.Join('/', parts);
        if (rooted)
        {
            return "/" + joined;
        }
        return joined.Length == 0 ? "." : joined;
    }

    /// <summary>
    /// <c>net.SplitHostPort</c>: "host:port", "[v6]:port", ":port". Returns false for anything Go rejects.
    /// </summary>
    public static bool TrySplitHostPort(string hostPort, out string host, out string port)
    {
        host = "";
        port = "";
        int lastColon = hostPort.LastIndexOf(':');
        if (lastColon < 0)
        {
            return false; // missing port
        }
        int hostStart = 0;
        int portSearchFrom = 0;
        if (hostPort[0] == '[')
        {
            int end = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (end < 0 || end + 1 == hostPort.Length || end + 1 != lastColon)
            {
                return false; // missing ']', missing port, or too many colons
            }
            host = hostPort[1..end];
            hostStart = 1;
            portSearchFrom = end + 1;
        }
        else
        {
            host = hostPort[..lastColon];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                return false; // too many colons
            }
        }
        if (hostPort.IndexOf('[', hostStart) >= 0 || hostPort.IndexOf(']', portSearchFrom) >= 0)
        {
            return false; // stray brackets
        }
        port = hostPort[(lastColon + 1)..];
        return true;
    }

    /// <summary><c>strconv.Atoi</c> (64-bit): optional sign, ASCII digits only.</summary>
    public static bool TryAtoi(string s, out long value)
    {
        return long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)
            && s.Length > 0 && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1]);
    }

    /// <summary>Reads a config file, turning failures into the wording Go's <c>os.ReadFile</c> uses.</summary>
    public static string ReadFile(string path, out string? error)
    {
        error = null;
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            // Go does not strip a UTF-8 BOM (it would become part of the first key); we are lenient here.
            int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            error = $"open {path}: no such file or directory";
        }
        catch (UnauthorizedAccessException)
        {
            error = Directory.Exists(path)
                ? $"read {path}: is a directory"
                : $"open {path}: permission denied";
        }
        catch (IOException e)
        {
            error = Directory.Exists(path) ? $"read {path}: is a directory" : $"open {path}: {e.Message}";
        }
        return "";
    }
}
