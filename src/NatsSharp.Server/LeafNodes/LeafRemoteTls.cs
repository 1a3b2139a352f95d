using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using NatsSharp.Server.Tls;

namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// The leaf's side of leafnode TLS for one remote: checks the hub's certificate against the
/// remote's <c>ca_file</c> (or the system store) and the name in the URL, and presents the
/// remote's certificate when it has one. <c>insecure</c> skips the checks, as Go's InsecureSkipVerify.
/// </summary>
internal sealed class LeafRemoteTls
{
    private readonly TlsOptions _options;
    private readonly X509Certificate2Collection? _trustedCas;
    private readonly SslStreamCertificateContext? _certificate;
    private readonly CipherSuitesPolicy? _ciphers;
    private readonly HashSet<string> _pinned;

    private LeafRemoteTls(TlsOptions options)
    {
        _options = options;
        _pinned = new HashSet<string>(options.PinnedCerts, StringComparer.Ordinal);
        if (options.HasCertificate)
        {
            TlsSetup setup = TlsSetup.Load(options);
            _certificate = SslStreamCertificateContext.Create(setup.Certificate, null, offline: true);
            _trustedCas = setup.TrustedCas;
        }
        else if (options.CaFile.Length > 0)
        {
            _trustedCas = TlsSetup.LoadCas(options.CaFile);
        }

        _ciphers = TlsSetup.CipherPolicy(options);
    }

    public TimeSpan Timeout => _options.Timeout;

    public bool HandshakeFirst => _options.HandshakeFirst;

    /// <summary>Loads the remote's files (throws <see cref="NatsServerException"/>); no tls block = defaults and the system store.</summary>
    public static LeafRemoteTls Load(TlsOptions? options) => new(options ?? new TlsOptions());

    /// <summary>
    /// The name the hub's certificate must carry: the URL's host, or, when that is an IP address,
    /// a host name from another URL of the remote (nats-server's saved tlsName).
    /// </summary>
    public static string ServerName(Uri url, IEnumerable<Uri> all)
    {
        if (!IPAddress.TryParse(url.Host.Trim('[', ']'), out _))
        {
            return url.Host;
        }

        return all.Select(u => u.Host).FirstOrDefault(h => !IPAddress.TryParse(h.Trim('[', ']'), out _)) ?? url.Host;
    }

    /// <summary>The client handshake; throws <see cref="AuthenticationException"/>, <see cref="IOException"/> or a timeout.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000", Justification = "The SslStream is returned to the dialler, which closes it; a failed handshake disposes it.")]
    public async Task<SslStream> ConnectAsync(Stream inner, string serverName, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_options.Timeout);
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ClientCertificateContext = _certificate,
            RemoteCertificateValidationCallback = ValidateServer,
            CipherSuitesPolicy = _ciphers,
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, timeout.Token).ConfigureAwait(false);
            if (!PinnedCertificates.Allows(_pinned, ssl.RemoteCertificate))
            {
                throw new AuthenticationException("certificate not pinned");
            }

            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_options.Insecure)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        if (_trustedCas is null)
        {
            return errors == SslPolicyErrors.None; // no ca_file: the system trust store decides
        }

        return CertificateChains.ChainsTo(_trustedCas, certificate, chain, CertificateChains.ServerAuth);
    }
}
