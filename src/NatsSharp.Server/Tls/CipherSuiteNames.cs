using System.Net.Security;
using System.Security.Authentication;

namespace NatsSharp.Server.Tls;

/// <summary>nats-server's (Go's) cipher suite and protocol version names, mapped to .NET's.</summary>
internal static class CipherSuiteNames
{
    // Every suite nats-server 2.9.10 has a name for (ciphersuites.go).
    private static readonly HashSet<string> GoSuites = new(StringComparer.Ordinal)
    {
        "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    };

    /// <summary>Go's name to .NET's suite; Go drops the "_SHA256" of the TLS 1.2 ChaCha20 suites.</summary>
    public static bool TryParse(string goName, out TlsCipherSuite suite)
    {
        suite = default;
        if (!goName.StartsWith("TLS_", StringComparison.Ordinal))
        {
            return false;
        }

        string name = goName.EndsWith("_CHACHA20_POLY1305", StringComparison.Ordinal) ? goName + "_SHA256" : goName;
        return Enum.TryParse(name, ignoreCase: false, out suite) && Enum.IsDefined(suite);
    }

    /// <summary>
    /// A negotiated suite as nats-server names it in /connz and its logs: Go's name for the suites Go
    /// knows, else <c>Unknown [0x…]</c> with the IANA number, as Go prints one it does not.
    /// </summary>
    public static string GoName(TlsCipherSuite suite)
    {
        string name = suite.ToString();
        if (name.StartsWith("TLS_ECDHE_", StringComparison.Ordinal) && name.EndsWith("_CHACHA20_POLY1305_SHA256", StringComparison.Ordinal))
        {
            name = name[..^"_SHA256".Length];
        }

        return GoSuites.Contains(name) ? name : $"Unknown [0x{(ushort)suite:x}]";
    }

    /// <summary>The protocol version as nats-server shows it: "1.2", "1.3" (the only ones NatsSharp enables).</summary>
    public static string GoVersion(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "1.2",
        SslProtocols.Tls13 => "1.3",
        _ => $"Unknown [{protocol}]",
    };
}
