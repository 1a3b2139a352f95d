using System.Text;
using System.Text.RegularExpressions;
using NatsSharp.Server.Auth;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// A remote's <c>credentials</c> file (the nats creds format: a user JWT and its nkey seed between
/// dashed lines). Read at each connect, as nats-server does, so a rotated file is picked up; the
/// hub's INFO nonce is signed with the seed and sent, base64url without padding, as <c>sig</c>.
/// </summary>
internal static partial class LeafCredentials
{
    /// <summary>The JWT and the signature of <paramref name="nonce"/>; false with nats-server's error text.</summary>
    public static bool TrySign(string file, string nonce, out string jwt, out string signature, out string error)
    {
        jwt = signature = error = "";
        string contents;
        try
        {
            contents = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = ex is FileNotFoundException or DirectoryNotFoundException ? $"open {file}: no such file or directory" : $"open {file}: {ex.Message}";
            return false;
        }

        MatchCollection items = CredsBlock().Matches(contents);
        if (items.Count < 2)
        {
            error = "Credentials file malformed";
            return false;
        }

        jwt = items[0].Groups[1].Value.Trim();
        try
        {
            byte[] raw = Nkeys.Sign(items[1].Groups[1].Value.Trim(), Encoding.UTF8.GetBytes(nonce));
            signature = Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            return true;
        }
        catch (FormatException)
        {
            error = "Credentials file has malformed seed";
            return false;
        }
    }

    // nats-server's credsRe: a line of dashes around a name, the content, another such line.
    [GeneratedRegex(@"\s*(?:(?:[-]{3,}[^\n]*[-]{3,}\n)(.+)(?:\n\s*[-]{3,}[^\n]*[-]{3,}\n))")]
    private static partial Regex CredsBlock();
}
