using System.Security.Cryptography;
using System.Text;

namespace NatsSharp.Server.Auth;

/// <summary>
/// The one way a presented secret is checked against a configured one, on every port (clients,
/// websocket, routes, leafnodes): a bcrypt-shaped configured value (<c>$2a$</c>, <c>$2b$</c>,
/// <c>$2x$</c>, <c>$2y$</c>, as nats-server's isBcrypt) is verified as a hash, anything else is
/// compared in constant time.
/// </summary>
internal static class SecretCompare
{
    /// <summary>Whether <paramref name="given"/> is the password or token that <paramref name="configured"/> stands for.</summary>
    public static bool PasswordMatches(string configured, string given) =>
        Bcrypt.IsHash(configured) ? Bcrypt.Verify(configured, given) : SameText(given, configured);

    /// <summary>Constant-time equality of two texts (user names, plain passwords).</summary>
    public static bool SameText(string given, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));
}
