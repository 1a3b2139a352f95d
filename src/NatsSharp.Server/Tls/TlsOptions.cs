namespace NatsSharp.Server.Tls;

/// <summary>
/// A <c>tls { }</c> block, wherever it stands: the client port (from <see cref="ServerOptions"/>'s
/// Tls* settings), <c>cluster</c>, <c>websocket</c>, <c>leafnodes</c> (the hub's listener) and each
/// leafnode remote (the leaf's dial; there the certificate is optional and the leaf then only checks
/// the hub's). Each listener or dialler uses the keys that apply to it.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>nats-server's default TLS handshake timeout.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary><c>cert_file</c>: PEM certificate (chain); required on the hub, optional on a remote.</summary>
    public string CertFile { get; set; } = "";

    /// <summary><c>key_file</c>: PEM private key of <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary><c>ca_file</c>: hub side, the CA leaf certificates must chain to; remote side, the CA of the hub's certificate. Empty = system store.</summary>
    public string CaFile { get; set; } = "";

    /// <summary><c>verify</c>: the peer must present a certificate that chains to <see cref="CaFile"/>.</summary>
    public bool Verify { get; set; }

    /// <summary><c>verify_and_map</c> (clients): verify, and take the user from the certificate.</summary>
    public bool Map { get; set; }

    /// <summary><c>connection_rate_limit</c> (clients): TLS handshakes allowed to start per second; 0 = no limit.</summary>
    public long RateLimit { get; set; }

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

    public TlsOptions Clone() => (TlsOptions)MemberwiseClone();

    /// <summary>Both absent, or equal.</summary>
    internal static bool Same(TlsOptions? a, TlsOptions? b) => a is null ? b is null : a.SameAs(b);

    /// <summary>Value equality, for the reload check.</summary>
    internal bool SameAs(TlsOptions? other) =>
        other is not null && CertFile == other.CertFile && KeyFile == other.KeyFile && CaFile == other.CaFile
        && Verify == other.Verify && Map == other.Map && RateLimit == other.RateLimit && Insecure == other.Insecure && Timeout == other.Timeout
        && CipherSuites.SequenceEqual(other.CipherSuites) && CurvePreferences.SequenceEqual(other.CurvePreferences)
        && HandshakeFirst == other.HandshakeFirst && PinnedCerts.SequenceEqual(other.PinnedCerts);
}
