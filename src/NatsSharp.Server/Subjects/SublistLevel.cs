namespace NatsSharp.Server.Subjects;

/// <summary>
/// The children of one trie position: literal tokens in a dictionary, plus dedicated
/// slots for '*' and '>' so matching never has to hash a wildcard.
/// </summary>
internal sealed class SublistLevel
{
    private readonly Dictionary<byte[], SublistNode> _literals = new(ByteArrayComparer.Instance);

    // Lets Match probe with token spans of the published subject without allocating.
    private readonly Dictionary<byte[], SublistNode>.AlternateLookup<ReadOnlySpan<byte>> _lookup;

    /// <summary>The '*' child.</summary>
    public SublistNode? Pwc;

    /// <summary>The '>' child.</summary>
    public SublistNode? Fwc;

    public SublistLevel()
    {
        _lookup = _literals.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public bool IsEmpty => _literals.Count == 0 && Pwc is null && Fwc is null;

    public Dictionary<byte[], SublistNode>.ValueCollection Literals => _literals.Values;

    /// <summary>The child for a literal token of a published subject ('*' here is just a token).</summary>
    public SublistNode? FindLiteral(ReadOnlySpan<byte> token) =>
        _lookup.TryGetValue(token, out var node) ? node : null;

    /// <summary>The child for a token of a subscription subject, where '*' and '>' are wildcards.</summary>
    public SublistNode? Find(ReadOnlySpan<byte> token) => WildcardKind(token) switch
    {
        SubjectRules.SingleWildcard => Pwc,
        SubjectRules.FullWildcard => Fwc,
        _ => FindLiteral(token),
    };

    public SublistNode GetOrAdd(ReadOnlySpan<byte> token)
    {
        switch (WildcardKind(token))
        {
            case SubjectRules.SingleWildcard:
                return Pwc ??= new SublistNode(null);
            case SubjectRules.FullWildcard:
                return Fwc ??= new SublistNode(null);
            default:
                if (!_lookup.TryGetValue(token, out var node))
                {
                    node = new SublistNode(token.ToArray());
                    _literals.Add(node.Key!, node);
                }

                return node;
        }
    }

    public void Prune(SublistNode node)
    {
        if (ReferenceEquals(node, Pwc))
        {
            Pwc = null;
        }
        else if (ReferenceEquals(node, Fwc))
        {
            Fwc = null;
        }
        else if (node.Key is not null)
        {
            _literals.Remove(node.Key);
        }
    }

    private static byte WildcardKind(ReadOnlySpan<byte> token) =>
        token.Length == 1 && token[0] is SubjectRules.SingleWildcard or SubjectRules.FullWildcard ? token[0] : (byte)0;
}
