using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatsSharp.Server.Tls;

/// <summary>
/// <c>tls.pinned_certs</c>: only peers whose certificate's public key is in the set may connect. A
/// key is named by the lower-case hex SHA-256 of its DER SubjectPublicKeyInfo, as nats-server names it.
/// </summary>
internal static class PinnedCertificates
{
    /// <summary>The key id of a certificate (what goes in <c>pinned_certs</c>).</summary>
    public static string KeyId(X509Certificate2 certificate) =>
        Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>Whether a peer presenting <paramref name="certificate"/> passes the pin check (no pins: everyone).</summary>
    public static bool Allows(IReadOnlySet<string> pinned, X509Certificate? certificate)
    {
        if (pinned.Count == 0)
        {
            return true;
        }

        if (certificate is null)
        {
            return false;
        }

        using var cert = new X509Certificate2(certificate);
        return pinned.Contains(KeyId(cert));
    }
}
