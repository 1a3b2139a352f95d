using System.Text;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// Maps subjects matching a source pattern to a destination: the n-th <c>*</c> of the source
/// fills the n-th <c>*</c> (or <c>$n</c>, <c>{{wildcard(n)}}</c>) of the destination, and a
/// trailing <c>&gt;</c> carries the rest. Used for <c>to</c>/<c>prefix</c> of imports and, with
/// the mapping functions of nats-server 2.9.10, for subject mappings (SubjectTransform.Mapping.cs).
/// </summary>
internal sealed partial class SubjectTransform
{
    private readonly int[] _sourceWildcards; // token index of each '*' in the source, in order
    private readonly int _sourceTail;        // token index of the source's '>', or -1
    private readonly Part[] _dest;
    private readonly byte[][] _source;       // the source's tokens, for Reverse()

    private SubjectTransform(int[] sourceWildcards, int sourceTail, Part[] dest, byte[][] source)
    {
        _sourceWildcards = sourceWildcards;
        _sourceTail = sourceTail;
        _dest = dest;
        _source = source;
    }

    /// <summary>
    /// One destination token: a literal, the <see cref="Wildcard"/>-th source wildcard, the source's
    /// tail, or a mapping function (<see cref="Function"/>) over source token <see cref="Positions"/>.
    /// </summary>
    private readonly record struct Part(byte[]? Literal, int Wildcard, bool Tail)
    {
        public MappingFunction Function { get; init; }

        public int[]? Positions { get; init; }

        public int IntArg { get; init; }

        public byte[]? StringArg { get; init; }
    }

    /// <summary>Builds the transform, or returns an error text (as nats-server words it) when the destination asks for what the source lacks.</summary>
    public static SubjectTransform? TryCreate(string source, string dest, out string error)
    {
        error = "";
        string[] src = source.Split('.');
        var wildcards = new List<int>();
        int tail = -1;
        for (int i = 0; i < src.Length; i++)
        {
            if (src[i] == "*")
            {
                wildcards.Add(i);
            }
            else if (src[i] == ">" && i == src.Length - 1)
            {
                tail = i;
            }
        }

        var parts = new List<Part>();
        int nextStar = 0;
        foreach (string token in dest.Split('.'))
        {
            int index = token switch
            {
                "*" => ++nextStar,
                _ when token.StartsWith('$') && int.TryParse(token.AsSpan(1), out int n) => n,
                _ when token.StartsWith("{{wildcard(", StringComparison.Ordinal) && token.EndsWith(")}}", StringComparison.Ordinal)
                    && int.TryParse(token.AsSpan(11, token.Length - 14), out int n) => n,
                _ => 0,
            };
            if (token == ">")
            {
                if (tail < 0)
                {
                    error = "invalid subject";
                    return null;
                }

                parts.Add(new Part(null, 0, true));
            }
            else if (index > 0)
            {
                if (index > wildcards.Count)
                {
                    error = "invalid subject";
                    return null;
                }

                parts.Add(new Part(null, index - 1, false));
            }
            else
            {
                parts.Add(new Part(Encoding.UTF8.GetBytes(token), 0, false));
            }
        }

        return new SubjectTransform([.. wildcards], tail, [.. parts], [.. src.Select(Encoding.UTF8.GetBytes)]);
    }

    /// <summary>
    /// The transform back from destination to source: what a subscription on the destination
    /// side must listen to on the source side. A source wildcard the destination dropped stays <c>*</c>.
    /// </summary>
    public SubjectTransform Reverse()
    {
        // Wildcards of the new source are the destination's wildcard parts, in order.
        var order = new List<int>(); // order index -> original source wildcard number
        int newTail = -1;
        for (int i = 0; i < _dest.Length; i++)
        {
            if (_dest[i].Tail)
            {
                newTail = i;
            }
            else if (_dest[i].Literal is null)
            {
                order.Add(_dest[i].Wildcard);
            }
        }

        var parts = new Part[_source.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            int w = Array.IndexOf(_sourceWildcards, i);
            if (w >= 0)
            {
                int at = order.IndexOf(w);
                parts[i] = at >= 0 ? new Part(null, at, false) : new Part("*"u8.ToArray(), 0, false);
            }
            else if (i == _sourceTail)
            {
                parts[i] = newTail >= 0 ? new Part(null, 0, true) : new Part(">"u8.ToArray(), 0, false);
            }
            else
            {
                parts[i] = new Part(_source[i], 0, false);
            }
        }

        int[] newWildcards = [.. Enumerable.Range(0, _dest.Length).Where(i => !_dest[i].Tail && _dest[i].Literal is null)];
        byte[][] newSource = [.. _dest.Select(p => p.Tail ? ">"u8.ToArray() : p.Literal ?? "*"u8.ToArray())];
        return new SubjectTransform(newWildcards, newTail, parts, newSource);
    }

    /// <summary>Maps <paramref name="subject"/> (which matches the source) into <paramref name="buffer"/>, growing it; returns the length.</summary>
    public int Apply(ReadOnlySpan<byte> subject, ref byte[] buffer)
    {
        int dots = subject.Count((byte)'.');
        Span<Range> tokens = dots < 64 ? stackalloc Range[dots + 1] : new Range[dots + 1];
        int count = 0;
        for (int start = 0; ;)
        {
            int dot = subject[start..].IndexOf((byte)'.');
            if (dot < 0)
            {
                tokens[count++] = start..subject.Length;
                break;
            }

            tokens[count++] = start..(start + dot);
            start += dot + 1;
        }

        int length = 0;
        for (int i = 0; i < _dest.Length; i++)
        {
            ReadOnlySpan<byte> piece;
            Part part = _dest[i];
            if (part.Function != MappingFunction.None)
            {
                if (i > 0)
                {
                    Append(ref buffer, ref length, "."u8);
                }

                ApplyFunction(part, subject, tokens[..count], ref buffer, ref length);
                continue;
            }

            if (part.Tail)
            {
                int from = _sourceTail < count ? tokens[_sourceTail].Start.Value : subject.Length;
                piece = subject[from..];
            }
            else if (part.Literal is not null)
            {
                piece = part.Literal;
            }
            else
            {
                int at = _sourceWildcards[part.Wildcard];
                piece = at < count ? subject[tokens[at]] : default;
            }

            int needed = length + piece.Length + 1;
            if (buffer.Length < needed)
            {
                Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
            }

            if (i > 0)
            {
                buffer[length++] = (byte)'.';
            }

            piece.CopyTo(buffer.AsSpan(length));
            length += piece.Length;
        }

        return length;
    }

    /// <summary>Maps with <paramref name="transform"/>, or copies the subject as it is when there is none.</summary>
    public static int Map(SubjectTransform? transform, ReadOnlySpan<byte> subject, ref byte[] buffer)
    {
        if (transform is not null)
        {
            return transform.Apply(subject, ref buffer);
        }

        if (buffer.Length < subject.Length)
        {
            buffer = new byte[Math.Max(subject.Length, buffer.Length * 2)];
        }

        subject.CopyTo(buffer);
        return subject.Length;
    }

    public string Apply(string subject)
    {
        byte[] buffer = new byte[subject.Length + 16];
        int n = Apply(Encoding.UTF8.GetBytes(subject), ref buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
