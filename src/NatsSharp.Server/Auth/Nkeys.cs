using NATS.NKeys;

namespace NatsSharp.Server.Auth;

/// <summary>
/// NATS nkeys for user authentication: "U..." public keys, "SU..." seeds and their Ed25519
/// signatures, through the NATS project's own codec (NATS.NKeys). This facade keeps what the
/// server needs in one place and turns the library's exceptions for malformed keys into "no".
/// </summary>
public static class Nkeys
{
    /// <summary>True for a well-formed public user key ("U..." with a valid checksum).</summary>
    public static bool IsValidPublicUserKey(string key)
    {
        try
        {
            return key.Length > 0 && KeyPair.IsValidPublicKey(PrefixByte.User, key);
        }
        catch (Exception ex) when (IsMalformedKey(ex))
        {
            return false;
        }
    }

    /// <summary>Checks an Ed25519 signature made with the user key's seed over <paramref name="data"/>.</summary>
    public static bool Verify(string publicUserKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64 || !IsValidPublicUserKey(publicUserKey))
        {
            return false;
        }

        using KeyPair key = KeyPair.FromPublicKey(publicUserKey);
        return key.Verify(data.ToArray(), signature.ToArray());
    }

    /// <summary>A new user key pair: (seed "SU...", public key "U...").</summary>
    public static (string Seed, string PublicKey) CreateUser()
    {
        using KeyPair pair = KeyPair.CreatePair(PrefixByte.User);
        return (pair.GetSeed(), pair.GetPublicKey());
    }

    /// <summary>The public user key of a "SU..." seed.</summary>
    public static string PublicKeyFromSeed(string seed)
    {
        using KeyPair pair = UserSeed(seed);
        return pair.GetPublicKey();
    }

    /// <summary>Signs <paramref name="data"/> (a server nonce) with a "SU..." seed, as a client does.</summary>
    public static byte[] Sign(string seed, ReadOnlySpan<byte> data)
    {
        using KeyPair pair = UserSeed(seed);
        byte[] signature = new byte[64];
        pair.Sign(data.ToArray(), signature);
        return signature;
    }

    private static KeyPair UserSeed(string seed)
    {
        KeyPair pair;
        try
        {
            pair = KeyPair.FromSeed(seed);
        }
        catch (Exception ex) when (IsMalformedKey(ex))
        {
            throw new FormatException("not a valid nkey seed", ex);
        }

        if (pair.Prefix != PrefixByte.User)
        {
            pair.Dispose();
            throw new FormatException("not a user seed");
        }

        return pair;
    }

    // NATS.NKeys reports a bad checksum, prefix, length or alphabet with any of these.
    private static bool IsMalformedKey(Exception ex) =>
        ex is NKeysException or ArgumentException or IndexOutOfRangeException or FormatException;
}
