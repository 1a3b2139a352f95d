using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatsSharp.Server.Tls;

/// <summary>Checks a peer certificate against a configured CA bundle (ca_file) rather than the system store.</summary>
internal static class CertificateChains
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="cas"/> and allows <paramref name="usage"/>.</summary>
    public static bool ChainsTo(X509Certificate2Collection cas, X509Certificate certificate, X509Chain? presented, string usage)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(cas);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf);
    }
}
