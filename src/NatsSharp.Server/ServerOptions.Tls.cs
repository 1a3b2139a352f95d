namespace NatsSharp.Server;

/// <summary>Client TLS: the <c>tls { }</c> block and the <c>--tls*</c> flags.</summary>
public sealed partial class ServerOptions
{
    /// <summary>True when clients are offered TLS: a certificate is configured, or a <c>tls { }</c> block without one.</summary>
    public bool TlsEnabled => TlsCertFile.Length > 0 || TlsWithoutCertificate;

    /// <summary>
    /// A client <c>tls { }</c> block with neither <c>cert_file</c> nor <c>key_file</c>. nats-server starts with
    /// it and offers TLS, and every handshake then fails (<c>tls: no certificates configured</c>); with
    /// <see cref="AllowNonTls"/> plaintext clients are served.
    /// </summary>
    public bool TlsWithoutCertificate { get; set; }

    /// <summary><c>allow_non_tls</c>: with TLS configured, a client that does not start a handshake stays in plaintext (INFO says <c>tls_available</c>).</summary>
    public bool AllowNonTls { get; set; }

    /// <summary><c>tls.cert_file</c>, <c>--tlscert</c>: PEM certificate (chain) of the server.</summary>
    public string TlsCertFile { get; set; } = "";

    /// <summary><c>tls.key_file</c>, <c>--tlskey</c>: PEM private key (RSA or ECDSA).</summary>
    public string TlsKeyFile { get; set; } = "";

    /// <summary><c>tls.ca_file</c>, <c>--tlscacert</c>: PEM CA bundle client certificates must chain to.</summary>
    public string TlsCaFile { get; set; } = "";

    /// <summary><c>tls.verify</c>, <c>--tlsverify</c>: clients must present a certificate we trust.</summary>
    public bool TlsVerify { get; set; }

    /// <summary><c>tls.verify_and_map</c>: verify, and take the user from the certificate.</summary>
    public bool TlsMap { get; set; }

    /// <summary><c>tls.timeout</c>: how long the TLS handshake may take (nats-server's default is 2s).</summary>
    public TimeSpan TlsTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>tls.cipher_suites</c>: Go names of the TLS 1.2 suites to offer; empty = modern defaults.</summary>
    public IReadOnlyList<string> TlsCipherSuites { get; set; } = [];

    /// <summary><c>tls.pinned_certs</c>: lower-case hex SHA-256 of the DER SubjectPublicKeyInfo of each allowed peer key; empty = no pinning.</summary>
    public IReadOnlyList<string> TlsPinnedCerts { get; set; } = [];

    /// <summary><c>tls.connection_rate_limit</c>: TLS handshakes allowed to start per second; 0 = no limit.</summary>
    public long TlsRateLimit { get; set; }

    /// <summary><c>tls.curve_preferences</c>: accepted for compatibility; .NET leaves curve choice to OpenSSL.</summary>
    public IReadOnlyList<string> TlsCurvePreferences { get; set; } = [];

    /// <summary>The client TLS settings as the one TLS options type every listener loads.</summary>
    internal Tls.TlsOptions ClientTls => new()
    {
        CertFile = TlsCertFile,
        KeyFile = TlsKeyFile,
        CaFile = TlsCaFile,
        Verify = TlsVerify,
        Map = TlsMap,
        Timeout = TlsTimeout,
        CipherSuites = TlsCipherSuites,
        CurvePreferences = TlsCurvePreferences,
        PinnedCerts = TlsPinnedCerts,
        RateLimit = TlsRateLimit,
    };

    /// <summary>Takes a client <c>tls { }</c> block's settings (from the config file, or another options' on reload).</summary>
    internal void ApplyClientTls(Tls.TlsOptions tls)
    {
        TlsCertFile = tls.CertFile;
        TlsKeyFile = tls.KeyFile;
        TlsCaFile = tls.CaFile;
        TlsVerify = tls.Verify;
        TlsMap = tls.Map;
        TlsTimeout = tls.Timeout;
        TlsCipherSuites = tls.CipherSuites;
        TlsCurvePreferences = tls.CurvePreferences;
        TlsPinnedCerts = tls.PinnedCerts;
        TlsRateLimit = tls.RateLimit;
    }
}
