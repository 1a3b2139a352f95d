using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;

namespace NatsSharp.Server.Tls;

/// <summary>A certificate a client presented, as /connz?auth=1 shows it in <c>tls_peer_certs</c>.</summary>
internal sealed class TlsPeerCert
{
    private const JsonIgnoreCondition OmitEmpty = JsonIgnoreCondition.WhenWritingDefault;

    [JsonPropertyName("subject"), JsonIgnore(Condition = OmitEmpty)] public string? Subject { get; init; }
    [JsonPropertyName("spki_sha256"), JsonIgnore(Condition = OmitEmpty)] public string? SubjectPkiSha256 { get; init; }
    [JsonPropertyName("cert_sha256"), JsonIgnore(Condition = OmitEmpty)] public string? CertSha256 { get; init; }

    /// <summary>As nats-server: Go's subject string, and hex SHA-256 of the public key info and of the whole certificate.</summary>
    public static TlsPeerCert Of(X509Certificate2 certificate) => new()
    {
        Subject = CertificateNames.GoSubject(certificate.SubjectName),
        SubjectPkiSha256 = PinnedCertificates.KeyId(certificate),
        CertSha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)),
    };
}
