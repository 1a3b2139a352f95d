namespace NatsSharp.Server;

/// <summary>Server ids shaped like nats-server's: 'N' and 55 base32 characters.</summary>
internal static class ServerIdentity
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string NewServerId()
    {
        // An identifier, not a secret: Random.Shared (seeded from the OS) rather than RandomNumberGenerator,
        // whose first use loads OpenSSL (libcrypto + libssl, ~3.7 MB resident) into every server at start.
        Span<byte> random = stackalloc byte[55];
        Random.Shared.NextBytes(random);
        Span<char> id = stackalloc char[56];
        id[0] = 'N';
        for (int i = 0; i < random.Length; i++)
        {
            id[i + 1] = Base32[random[i] & 31];
        }

        return new string(id);
    }
}
