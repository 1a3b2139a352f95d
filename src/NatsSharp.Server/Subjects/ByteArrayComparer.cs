namespace NatsSharp.Server.Subjects;

/// <summary>
/// Content equality for byte[] keys, with a ReadOnlySpan&lt;byte&gt; alternate key so
/// dictionaries can be probed with bytes straight off the wire without allocating.
/// </summary>
internal sealed class ByteArrayComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    private ByteArrayComparer()
    {
    }

    /// <summary>
    /// Hash of the bytes. HashCode is seeded randomly per process, so clients cannot
    /// precompute colliding subjects to degrade the trie's dictionaries.
    /// </summary>
    public static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hc = default(HashCode);
        hc.AddBytes(bytes);
        return hc.ToHashCode();
    }

    public bool Equals(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        return x is not null && y is not null && x.AsSpan().SequenceEqual(y);
    }

    public int GetHashCode(byte[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
