using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Crypto.Generators;

namespace NatsSharp.Server.Auth;

/// <summary>bcrypt hashes as nats-server takes them in passwords and tokens (<c>$2a$</c>, <c>$2b$</c>, <c>$2y$</c>).</summary>
public static partial class Bcrypt
{
    /// <summary>nats-server's mkpasswd default cost.</summary>
    public const int DefaultCost = 11;

    /// <summary>True if the configured secret is a bcrypt hash rather than a plain password.</summary>
    public static bool IsHash(string secret) => secret.StartsWith('$') && HashPrefix().IsMatch(secret);

    /// <summary>Checks a client's password against a bcrypt hash; a malformed hash never matches.</summary>
    public static bool Verify(string hash, string password)
    {
        try
        {
            return OpenBsdBCrypt.CheckPassword(hash, password.ToCharArray());
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Crypto.CryptoException or ArgumentException or FormatException or InvalidOperationException or IndexOutOfRangeException)
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

        byte[] salt = RandomNumberGenerator.GetBytes(16);
        return OpenBsdBCrypt.Generate("2a", password.ToCharArray(), salt, cost);
    }

    [GeneratedRegex(@"^\$2[abxy]\$\d{2}\$.*")]
    private static partial Regex HashPrefix();
}
