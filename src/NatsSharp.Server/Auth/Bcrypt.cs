using System.Text.RegularExpressions;

namespace NatsSharp.Server.Auth;

/// <summary>
/// bcrypt hashes as nats-server takes them in passwords and tokens (<c>$2a$</c>, <c>$2b$</c>,
/// <c>$2x$</c>, <c>$2y$</c>), through BCrypt.Net-Next.
/// </summary>
public static partial class Bcrypt
{
    /// <summary>nats-server's mkpasswd default cost.</summary>
    public const int DefaultCost = 11;

    /// <summary>True if the configured secret is a bcrypt hash rather than a plain password (nats-server's isBcrypt).</summary>
    public static bool IsHash(string secret) => secret.StartsWith('$') && HashPrefix().IsMatch(secret);

    /// <summary>Checks a client's password against a bcrypt hash; a malformed hash never matches.</summary>
    public static bool Verify(string hash, string password)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (Exception ex) when (ex is BCrypt.Net.SaltParseException or BCrypt.Net.HashInformationException or ArgumentException or FormatException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>A <c>$2a$</c> hash of <paramref name="password"/> with a random salt.</summary>
    public static string Hash(string password, int cost = DefaultCost)
    {
        if (cost is < 4 or > 31)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), "bcrypt cost must be between 4 and 31");
        }

        return BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(cost, 'a'));
    }

    [GeneratedRegex(@"^\$2[abxy]\$\d{2}\$.*")]
    private static partial Regex HashPrefix();
}
