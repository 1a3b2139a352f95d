using System.Net.Security;

namespace NatsSharp.Server.Tls;

/// <summary>nats-server's (Go's) cipher suite names, mapped to .NET's.</summary>
internal static class CipherSuiteNames
{
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
}
