namespace NatsSharp.Server.LeafNodes;

/// <summary>
/// A <c>tls { }</c> block of <c>leafnodes</c> (the hub's listener) or of one remote (the leaf's dial).
/// On a remote the certificate is optional: without one the leaf only checks the hub's certificate.
/// </summary>
public sealed class LeafTlsOptions
{
    /// <summary>nats-server's default leafnode TLS handshake timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary><c>cert_file</c>: PEM certificate (chain); required on the hub, optional on a remote.</summary>
    public string CertFile { get; set; } = "";

    /// <summary><c>key_file</c>: PEM private key of <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary><c>ca_file</c>: hub side, the CA leaf certificates must chain to; remote side, the CA of the hub's certificate. Empty = system store.</summary>
    public string CaFile { get; set; } = "";

    /// <summary><c>verify</c> (hub): leafs must present a certificate that chains to <see cref="CaFile"/>.</summary>
    public bool Verify { get; set; }

    /// <summary><c>insecure</c> (remote): do not check the hub's certificate chain and name. Never in production.</summary>
    public bool Insecure { get; set; }

    /// <summary><c>timeout</c>: how long the TLS handshake may take.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary><c>cipher_suites</c>: Go names of the TLS 1.2 suites; empty = nats-server's defaults.</summary>
    public IReadOnlyList<string> CipherSuites { get; set; } = [];

    /// <summary><c>curve_preferences</c>: accepted for compatibility (OpenSSL picks the curve).</summary>
    public IReadOnlyList<string> CurvePreferences { get; set; } = [];

    /// <summary>
    /// <c>handshake_first</c> (nats-server 2.10): TLS starts right after the TCP connect, before the
    /// hub's INFO. Both sides must agree; 2.9.10 sends the INFO in plaintext first.
    /// </summary>
    public bool HandshakeFirst { get; set; }

    /// <summary><c>pinned_certs</c>: key ids (lower-case hex SHA-256 of the SubjectPublicKeyInfo) the peer's certificate must have; empty = any.</summary>
    public IReadOnlyList<string> PinnedCerts { get; set; } = [];

    public bool HasCertificate => CertFile.Length > 0;

    public LeafTlsOptions Clone() => (LeafTlsOptions)MemberwiseClone();

    /// <summary>The same settings in the shape <see cref="Tls.TlsSetup"/> loads.</summary>
    internal ServerOptions ToServerOptions() => new()
    {
        TlsCertFile = CertFile,
        TlsKeyFile = KeyFile,
        TlsCaFile = CaFile,
        TlsVerify = Verify,
        TlsTimeout = Timeout,
        TlsCipherSuites = CipherSuites,
        TlsCurvePreferences = CurvePreferences,
        TlsPinnedCerts = PinnedCerts,
    };

    /// <summary>Both absent, or equal.</summary>
    internal static bool Same(LeafTlsOptions? a, LeafTlsOptions? b) => a is null ? b is null : a.SameAs(b);

    /// <summary>Value equality, for the reload check.</summary>
    internal bool SameAs(LeafTlsOptions? other) =>
        other is not null && CertFile == other.CertFile && KeyFile == other.KeyFile && CaFile == other.CaFile
        && Verify == other.Verify && Insecure == other.Insecure && Timeout == other.Timeout
        && CipherSuites.SequenceEqual(other.CipherSuites) && CurvePreferences.SequenceEqual(other.CurvePreferences)
        && HandshakeFirst == other.HandshakeFirst && PinnedCerts.SequenceEqual(other.PinnedCerts);
}
