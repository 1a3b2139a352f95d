using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatsSharp.Server.Tests.Configuration;

/// <summary>
/// The reference cases name /tmp/nref/certs/server-{cert,key}.pem, which existed where they were recorded.
/// Config binding loads TLS files (as nats-server does), so a throwaway self-signed pair is made there.
/// </summary>
internal static class ReferenceCertificates
{
    private const string Dir = "/tmp/nref/certs";
    private static readonly Lazy<bool> Made = new(Make);

    public static void Ensure() => _ = Made.Value;

    private static bool Make()
    {
        string cert = Path.Combine(Dir, "server-cert.pem");
        string key = Path.Combine(Dir, "server-key.pem");
        if (File.Exists(cert) && File.Exists(key))
        {
            return true;
        }

        Directory.CreateDirectory(Dir);
        using ECDsa ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", ec, HashAlgorithmName.SHA256);
        using X509Certificate2 self = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(365));
        WriteAtomically(key, ec.ExportPkcs8PrivateKeyPem());
        WriteAtomically(cert, self.ExportCertificatePem());
        return true;
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + "." + Guid.NewGuid().ToString("N");
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
