using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace NatsSharp.Server.Auth;

/// <summary>
/// NATS nkeys: Ed25519 keys written as base32 (no padding) of a prefix byte, the key and a
/// CRC16/XMODEM checksum. Users are "U..." public keys and "SU..." seeds.
/// </summary>
public static class Nkeys
{
    internal const byte PrefixUser = 20 << 3;
    internal const byte PrefixSeed = 18 << 3;
    private const string Base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /// <summary>True for a well-formed public user key ("U..." with a valid checksum).</summary>
    public static bool IsValidPublicUserKey(string key) => TryDecodePublic(key, PrefixUser, out _);

    /// <summary>Checks an Ed25519 signature made with the user key's seed over <paramref name="data"/>.</summary>
    public static bool Verify(string publicUserKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64 || !TryDecodePublic(publicUserKey, PrefixUser, out byte[] raw))
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(raw, 0));
        byte[] message = data.ToArray();
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature.ToArray());
    }

    /// <summary>A new user key pair: (seed "SU...", public key "U...").</summary>
    public static (string Seed, string PublicKey) CreateUser()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        return (EncodeSeed(PrefixUser, seed), PublicKeyOf(seed));
    }

    /// <summary>The public user key of a "SU..." seed.</summary>
    public static string PublicKeyFromSeed(string seed) => PublicKeyOf(DecodeSeed(seed));

    /// <summary>Signs <paramref name="data"/> (a server nonce) with a "SU..." seed, as a client does.</summary>
    public static byte[] Sign(string seed, ReadOnlySpan<byte> data)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(DecodeSeed(seed), 0));
        byte[] message = data.ToArray();
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    private static string PublicKeyOf(byte[] seed)
    {
        byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).GeneratePublicKey().GetEncoded();
        byte[] raw = new byte[1 + pub.Length];
        raw[0] = PrefixUser;
        pub.CopyTo(raw, 1);
        return Encode(raw);
    }

    private static string EncodeSeed(byte publicPrefix, byte[] seed)
    {
        byte[] raw = new byte[2 + seed.Length];
        raw[0] = (byte)(PrefixSeed | (publicPrefix >> 5));
        raw[1] = (byte)((publicPrefix & 31) << 3);
        seed.CopyTo(raw, 2);
        return Encode(raw);
    }

    private static byte[] DecodeSeed(string seed)
    {
        if (!TryDecode(seed, out byte[] raw) || raw.Length != 34 || (raw[0] & 0xF8) != PrefixSeed)
        {
            throw new FormatException("not a valid nkey seed");
        }

        byte publicPrefix = (byte)(((raw[0] & 7) << 5) | ((raw[1] & 0xF8) >> 3));
        if (publicPrefix != PrefixUser)
        {
            throw new FormatException("not a user seed");
        }

        return raw[2..];
    }

    private static bool TryDecodePublic(string key, byte prefix, out byte[] raw)
    {
        raw = [];
        if (!TryDecode(key, out byte[] all) || all.Length != 33 || all[0] != prefix)
        {
            return false;
        }

        raw = all[1..];
        return true;
    }

    /// <summary>Base32 decode and checksum check; returns the data without its CRC.</summary>
    private static bool TryDecode(string text, out byte[] data)
    {
        data = [];
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0;
        int bits = 0;
        foreach (char c in text)
        {
            int v = Base32Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (v < 0)
            {
                return false;
            }

            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        if (bytes.Count < 4 || buffer != 0)
        {
            return false;
        }

        byte[] all = [.. bytes];
        ushort crc = (ushort)(all[^2] | (all[^1] << 8));
        data = all[..^2];
        return Crc16(data) == crc;
    }

    private static string Encode(byte[] raw)
    {
        ushort crc = Crc16(raw);
        byte[] all = new byte[raw.Length + 2];
        raw.CopyTo(all, 0);
        all[^2] = (byte)crc;
        all[^1] = (byte)(crc >> 8);
        var sb = new System.Text.StringBuilder((all.Length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        foreach (byte b in all)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                sb.Append(Base32Alphabet[(buffer >> bits) & 31]);
            }

            buffer &= (1 << bits) - 1;
        }

        if (bits > 0)
        {
            sb.Append(Base32Alphabet[(buffer << (5 - bits)) & 31]);
        }

        return sb.ToString();
    }

    /// <summary>CRC16/XMODEM (poly 0x1021, init 0), as nkeys uses.</summary>
    private static ushort Crc16(ReadOnlySpan<byte> data)
    {
        int crc = 0;
        foreach (byte b in data)
        {
            crc ^= b << 8;
            for (int i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
        }

        return (ushort)(crc & 0xFFFF);
    }
}
