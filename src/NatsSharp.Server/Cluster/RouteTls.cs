using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.Cluster;

/// <summary>
/// Route TLS as nats-server 2.9.10 does it: the handshake comes first, before any protocol
/// byte, in both directions. The accepting side asks for the peer's certificate when
/// <c>verify</c> is set; the dialling side always checks the peer's certificate and name
/// against the CA, and presents its own certificate.
/// </summary>
internal sealed class RouteTls
{
    private readonly TlsSetup _setup;

    public RouteTls(TlsSetup setup) => _setup = setup;

    public TimeSpan Timeout => _setup.Timeout;

    public async Task<Stream> AcceptAsync(Stream inner, CancellationToken cancel)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(_setup.AuthenticationOptions, cancel).ConfigureAwait(false);
        return Pinned(ssl);
    }

    public async Task<Stream> ConnectAsync(Stream inner, string host, CancellationToken cancel)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = host,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateContext = SslStreamCertificateContext.Create(_setup.Certificate, null, offline: true),
            RemoteCertificateValidationCallback = ValidateServer,
        };
        await ssl.AuthenticateAsClientAsync(options, cancel).ConfigureAwait(false);
        return Pinned(ssl);
    }

    /// <summary>The peer's key must be one of <c>pinned_certs</c> when the block has any (nats-server's error text).</summary>
    private SslStream Pinned(SslStream ssl)
    {
        if (!PinnedCertificates.Allows(_setup.PinnedCerts, ssl.RemoteCertificate))
        {
            ssl.Dispose();
            throw new AuthenticationException("certificate not pinned");
        }

        return ssl;
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        if (_setup.TrustedCas is null)
        {
            return errors == SslPolicyErrors.None; // no ca_file: the system trust store decides
        }

        return CertificateChains.ChainsTo(_setup.TrustedCas, certificate, chain, CertificateChains.ServerAuth);
    }
}
