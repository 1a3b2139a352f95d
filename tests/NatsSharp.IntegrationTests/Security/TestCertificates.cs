using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatsSharp.IntegrationTests.Security;

/// <summary>
/// Certificates made at test time with CertificateRequest (never committed): a CA, server
/// certificates for 127.0.0.1, client certificates, written as PEM files in a temp directory.
/// </summary>
internal sealed class TestCertificates
{
    private TestCertificates(string dir, X509Certificate2 ca)
    {
        Directory = dir;
        Ca = ca;
        CaFile = Path.Combine(dir, "ca.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public string CaFile { get; }

    public static TestCertificates CreateAuthority(string name = "NatsSharp Test CA")
    {
        string dir = System.IO.Directory.CreateTempSubdirectory("natssharp-tls-").FullName;
        // ECDSA keys are made in microseconds; RSA is exercised by the leaves that ask for it.
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        X509Certificate2 ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
        return new TestCertificates(dir, ca);
    }

    /// <summary>A server certificate for 127.0.0.1/localhost; returns (cert file, key file).</summary>
    public (string CertFile, string KeyFile) IssueServer(string name = "server", bool rsa = false)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        return Issue(name, "CN=localhost", san, "1.3.6.1.5.5.7.3.1", rsa, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
    }

    /// <summary>A route certificate for 127.0.0.1/localhost: routes both accept and dial, so server and client use.</summary>
    public (string CertFile, string KeyFile) IssueRoute(string name = "route")
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        return Issue(name, "CN=localhost", san, "1.3.6.1.5.5.7.3.1,1.3.6.1.5.5.7.3.2", false, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
    }

    /// <summary>A client certificate; <paramref name="expired"/> makes one that ran out yesterday.</summary>
    public X509Certificate2 IssueClient(string subject, string? email = null, bool expired = false, bool rsa = false)
    {
        var san = new SubjectAlternativeNameBuilder();
        if (email is not null)
        {
            san.AddEmailAddress(email);
        }

        DateTimeOffset notAfter = expired ? DateTimeOffset.UtcNow.AddDays(-1) : DateTimeOffset.UtcNow.AddDays(10);
        (string certFile, string keyFile) = Issue(Guid.NewGuid().ToString("N"), subject, email is null ? null : san, "1.3.6.1.5.5.7.3.2", rsa, DateTimeOffset.UtcNow.AddDays(-5), notAfter);
        using X509Certificate2 pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        // SslStream on Linux wants a certificate whose key it can hand to OpenSSL: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12, "x"), "x");
    }

    /// <summary>A client certificate as PEM files, for clients that load files (the Go client).</summary>
    public (string CertFile, string KeyFile) IssueClientFiles(string subject) =>
        Issue(Guid.NewGuid().ToString("N"), subject, null, "1.3.6.1.5.5.7.3.2", true, DateTimeOffset.UtcNow.AddDays(-5), DateTimeOffset.UtcNow.AddDays(10));

    private (string CertFile, string KeyFile) Issue(string fileName, string subject, SubjectAlternativeNameBuilder? san, string eku, bool rsa, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        CertificateRequest request = key is ECDsa ec
            ? new CertificateRequest(subject, ec, HashAlgorithmName.SHA256)
            : new CertificateRequest(subject, (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var usages = new OidCollection();
        foreach (string oid in eku.Split(','))
        {
            usages.Add(new Oid(oid));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        // Signed with the CA's ECDSA key whatever the leaf's key type is.
        using ECDsa caKey = Ca.GetECDsaPrivateKey()!;
        X509SignatureGenerator signer = X509SignatureGenerator.CreateForECDsa(caKey);
        using X509Certificate2 unsigned = request.Create(Ca.SubjectName, signer, notBefore, notAfter, serial);
        using X509Certificate2 cert = unsigned;
        string certFile = Path.Combine(Directory, fileName + ".pem");
        string keyFile = Path.Combine(Directory, fileName + "-key.pem");
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key is ECDsa e ? e.ExportPkcs8PrivateKeyPem() : ((RSA)key).ExportRSAPrivateKeyPem());
        return (certFile, keyFile);
    }
}
