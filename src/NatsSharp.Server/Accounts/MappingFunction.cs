namespace NatsSharp.Server.Accounts;

/// <summary>What a destination token of a subject mapping computes (nats-server 2.9.10's transform types).</summary>
internal enum MappingFunction
{
    /// <summary>A literal, an import-style wildcard or the tail: not a function.</summary>
    None,

    /// <summary><c>$n</c> or <c>{{wildcard(n)}}</c>: the n-th <c>*</c> of the source.</summary>
    Token,

    /// <summary><c>{{partition(n, w1, w2...)}}</c>: FNV-1a of the named wildcards, modulo n.</summary>
    Partition,

    /// <summary><c>{{splitFromLeft(w, n)}}</c>: the token cut in two after n bytes.</summary>
    SplitFromLeft,

    /// <summary><c>{{splitFromRight(w, n)}}</c>: the token cut in two n bytes from its end.</summary>
    SplitFromRight,

    /// <summary><c>{{sliceFromLeft(w, n)}}</c>: the token in tokens of n bytes, from the left.</summary>
    SliceFromLeft,

    /// <summary><c>{{sliceFromRight(w, n)}}</c>: the token in tokens of n bytes, from the right.</summary>
    SliceFromRight,

    /// <summary><c>{{split(w, delimiter)}}</c>: the token split into tokens on a delimiter.</summary>
    Split,
}
