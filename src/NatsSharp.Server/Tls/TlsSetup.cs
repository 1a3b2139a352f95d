using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NatsSharp.Server.Tls;

/// <summary>
/// The server side of TLS built from a <see cref="TlsOptions"/>: the certificate and key (PEM, RSA or
/// ECDSA), the CA bundle for peer certificates, TLS 1.2 minimum and nats-server's default suites.
/// Load errors name the file and the reason.
/// </summary>
internal sealed class TlsSetup
{
    // nats-server's defaultCipherSuites (TLS 1.2); TLS 1.3 suites are always on, as in Go.
    private static readonly TlsCipherSuite[] DefaultSuites =
    [
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    ];

    private static readonly TlsCipherSuite[] Tls13Suites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    private readonly X509Certificate2Collection? _trustedCas;

    private TlsSetup(TlsOptions options, X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2Collection? cas)
    {
        Verify = options.Verify || options.Map;
        Timeout = options.Timeout;
        PinnedCerts = new HashSet<string>(options.PinnedCerts, StringComparer.Ordinal);
        RateLimiter = options.RateLimit > 0 ? new TlsRateLimiter(options.RateLimit) : null;
        _trustedCas = cas;
        Certificate = certificate;
        AuthenticationOptions = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, intermediates, offline: true),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = Verify,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = ValidateClientCertificate,
            CipherSuitesPolicy = CipherPolicy(options),
        };
    }

    public bool Verify { get; }

    /// <summary><c>connection_rate_limit</c>, or null for no limit.</summary>
    public TlsRateLimiter? RateLimiter { get; }

    /// <summary><c>pinned_certs</c> key ids; empty = no pinning.</summary>
    public IReadOnlySet<string> PinnedCerts { get; }

    public TimeSpan Timeout { get; }

    public X509Certificate2 Certificate { get; }

    public SslServerAuthenticationOptions AuthenticationOptions { get; }

    /// <summary>The ca_file bundle, or null to trust the system store.</summary>
    public X509Certificate2Collection? TrustedCas => _trustedCas;

    /// <summary>Loads the files named in the options; throws <see cref="NatsServerException"/> with the file and reason.</summary>
    public static TlsSetup Load(TlsOptions options)
    {
        if (options.KeyFile.Length == 0)
        {
            throw new NatsServerException("missing 'key_file' in TLS configuration");
        }

        X509Certificate2 certificate;
        var intermediates = new X509Certificate2Collection();
        try
        {
            RequireFile(options.CertFile);
            RequireFile(options.KeyFile);
            certificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
            intermediates.ImportFromPemFile(options.CertFile);
            // The first certificate in the file is the leaf; the rest complete its chain.
            if (intermediates.Count > 0)
            {
                intermediates.RemoveAt(0);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            // A missing file is named by Go's "open <file>: ..." text; for the rest we add the files.
            string where = ex is FileNotFoundException ? "" : $" (cert_file {options.CertFile}, key_file {options.KeyFile})";
            throw new NatsServerException($"error parsing X509 certificate/key pair: {ex.Message}{where}", ex);
        }

        X509Certificate2Collection? cas = options.CaFile.Length > 0 ? LoadCas(options.CaFile) : null;
        return new TlsSetup(options, certificate, intermediates, cas);
    }

    /// <summary>Loads a ca_file bundle; throws <see cref="NatsServerException"/> with nats-server's texts.</summary>
    public static X509Certificate2Collection LoadCas(string caFile)
    {
        var cas = new X509Certificate2Collection();
        try
        {
            RequireFile(caFile);
            cas.ImportFromPemFile(caFile);
        }
        catch (FileNotFoundException ex)
        {
            throw new NatsServerException(ex.Message, ex); // as Go: "open <file>: no such file or directory"
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new NatsServerException($"failed to parse root ca certificate: {ex.Message} (ca_file {caFile})", ex);
        }

        if (cas.Count == 0)
        {
            throw new NatsServerException($"failed to parse root ca certificate (ca_file {caFile}: no PEM certificate in it)");
        }

        return cas;
    }

    /// <summary>The TLS 1.2 suites .NET will offer (null where the platform does not let us choose).</summary>
    public static CipherSuitesPolicy? CipherPolicy(TlsOptions options) =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? null : new CipherSuitesPolicy(Suites(options));

    /// <summary>The TLS 1.2 suites .NET will offer (unknown names were rejected by the config binder).</summary>
    private static IEnumerable<TlsCipherSuite> Suites(TlsOptions options)
    {
        IEnumerable<TlsCipherSuite> tls12 = options.CipherSuites.Count == 0
            ? DefaultSuites
            : options.CipherSuites.Select(name => CipherSuiteNames.TryParse(name, out TlsCipherSuite suite) ? suite : throw new NatsServerException($"unrecognized cipher {name}")).Where(s => !Tls13Suites.Contains(s));
        return tls12.Concat(Tls13Suites);
    }

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (!Verify)
        {
            return true; // a certificate is not asked for, and any one offered is ignored
        }

        if (certificate is null)
        {
            return false;
        }

        if (_trustedCas is null)
        {
            // No ca_file: the system trust store decides, as Go does with a nil ClientCAs pool.
            return errors == SslPolicyErrors.None;
        }

        return CertificateChains.ChainsTo(_trustedCas, certificate, chain, CertificateChains.ClientAuth);
    }

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"open {path}: no such file or directory", path);
        }
    }
}
