using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NatsSharp.Server.Accounts;

/// <summary>
/// Subject-mapping destinations as nats-server 2.9.10 reads them (<c>newTransform</c>,
/// <c>ValidateMappingDestination</c>): <c>$n</c>, <c>{{wildcard(n)}}</c>, <c>{{partition(n,w...)}}</c>,
/// <c>{{splitFromLeft|splitFromRight|sliceFromLeft|sliceFromRight(w,n)}}</c>, <c>{{split(w,delim)}}</c>,
/// with its error texts. A source without wildcards maps to its destination verbatim.
/// </summary>
internal sealed partial class SubjectTransform
{
    private const string InvalidDestination = "invalid mapping destination";

    [GeneratedRegex(@"{{\s*[wW]ildcard\s*\((.*)\)\s*}}")]
    private static partial Regex WildcardFunction();

    [GeneratedRegex(@"{{\s*[pP]artition\s*\((.*)\)\s*}}")]
    private static partial Regex PartitionFunction();

    [GeneratedRegex(@"{{\s*[sS]plit[fF]rom[lL]eft\s*\((.*)\)\s*}}")]
    private static partial Regex SplitFromLeftFunction();

    [GeneratedRegex(@"{{\s*[sS]plit[fF]rom[rR]ight\s*\((.*)\)\s*}}")]
    private static partial Regex SplitFromRightFunction();

    [GeneratedRegex(@"{{\s*[sS]lice[fF]rom[lL]eft\s*\((.*)\)\s*}}")]
    private static partial Regex SliceFromLeftFunction();

    [GeneratedRegex(@"{{\s*[sS]lice[fF]rom[rR]ight\s*\((.*)\)\s*}}")]
    private static partial Regex SliceFromRightFunction();

    [GeneratedRegex(@"{{\s*[sS]plit\s*\((.*)\)\s*}}")]
    private static partial Regex SplitFunction();

    [GeneratedRegex(@",\s*")]
    private static partial Regex ArgumentSeparator();

    /// <summary>Builds a mapping transform, or null with nats-server's error text (without the "Error adding mapping" prefix).</summary>
    public static SubjectTransform? TryCreateMapping(string source, string dest, out string error)
    {
        if (ValidateDestination(dest) is { } invalid)
        {
            error = invalid;
            return null;
        }

        error = "";
        (bool srcValid, string[] src, int srcStars, bool srcTail) = Info(source);
        (bool destValid, string[] dst, int destStars, bool destTail) = Info(dest);
        if (!srcValid || !destValid || destStars > 0 || srcTail != destTail)
        {
            error = "invalid subject";
            return null;
        }

        var wildcards = new List<int>();
        for (int i = 0; i < src.Length; i++)
        {
            if (src[i] == "*")
            {
                wildcards.Add(i);
            }
        }

        int tail = srcTail ? src.Length - 1 : -1;
        byte[][] srcBytes = [.. src.Select(Encoding.UTF8.GetBytes)];
        if (srcStars == 0 && !srcTail)
        {
            // nats-server keeps no function for a literal source: the destination is taken as it is.
            return new SubjectTransform([], -1, [new Part(Encoding.UTF8.GetBytes(dest), 0, false)], srcBytes);
        }

        var parts = new List<Part>();
        int placeholders = 0;
        foreach (string token in dst)
        {
            if (ParsePlaceholder(token, out error) is not { } part)
            {
                if (error.Length > 0)
                {
                    return null;
                }

                parts.Add(token == ">" ? new Part(null, 0, true) : new Part(Encoding.UTF8.GetBytes(token), 0, false));
                continue;
            }

            placeholders++;
            int[] positions = part.Positions!;
            for (int i = 0; i < positions.Length; i++)
            {
                int n = positions[i];
                if (n > srcStars)
                {
                    error = $"{InvalidDestination}: wildcard index out of range in {token}: [{n}]";
                    return null;
                }

                positions[i] = n >= 1 ? wildcards[n - 1] : 0; // Go's map lookup of a missing key gives token 0
            }

            parts.Add(part);
        }

        if (placeholders < srcStars)
        {
            error = $"{InvalidDestination}: not using all of the token wildcard(s) in {dest}";
            return null;
        }

        return new SubjectTransform([.. wildcards], tail, [.. parts], srcBytes);
    }

    /// <summary>nats-server's <c>ValidateMappingDestination</c>: empty tokens, unknown functions, white space.</summary>
    private static string? ValidateDestination(string dest)
    {
        bool tail = false;
        foreach (string t in dest.Split('.'))
        {
            if (t.Length == 0 || tail)
            {
                return $"{InvalidDestination}: invalid subject in {t}";
            }

            if (IsMustache(t))
            {
                if (!WildcardFunction().IsMatch(t) && !PartitionFunction().IsMatch(t) && !SplitFromLeftFunction().IsMatch(t)
                    && !SplitFromRightFunction().IsMatch(t) && !SliceFromLeftFunction().IsMatch(t)
                    && !SliceFromRightFunction().IsMatch(t) && !SplitFunction().IsMatch(t))
                {
                    return $"{InvalidDestination}: unknown function in {t}";
                }

                continue;
            }

            if (t == ">")
            {
                tail = true;
            }
            else if (t.AsSpan().IndexOfAny("\t\n\f\r ") >= 0)
            {
                return $"{InvalidDestination}: invalid subject";
            }
        }

        return null;
    }

    private static bool IsMustache(string t) => t.Length > 4 && t.StartsWith("{{", StringComparison.Ordinal) && t.EndsWith("}}", StringComparison.Ordinal);

    /// <summary>nats-server's <c>subjectInfo</c>: valid, tokens, number of '*', has '>'.</summary>
    private static (bool Valid, string[] Tokens, int Stars, bool Tail) Info(string subject)
    {
        string[] tokens = subject.Split('.');
        int stars = 0;
        bool tail = false;
        foreach (string t in tokens)
        {
            if (t.Length == 0 || tail)
            {
                return (false, tokens, 0, false);
            }

            tail |= t == ">";
            stars += t == "*" ? 1 : 0;
        }

        return (subject.Length > 0, tokens, stars, tail);
    }

    /// <summary>
    /// A <c>$n</c> or <c>{{function(...)}}</c> token, its positions still wildcard numbers; null for a
    /// plain token (error empty) or a bad function (error set), as nats-server's <c>indexPlaceHolders</c>.
    /// </summary>
    private static Part? ParsePlaceholder(string token, out string error)
    {
        error = "";
        if (token.Length <= 1)
        {
            return null;
        }

        if (token[0] == '$')
        {
            // Other things use tokens starting with '$': not a number is not an error, just a literal.
            return Atoi(token.AsSpan(1), out int n) ? Function(MappingFunction.Token, [n]) : null;
        }

        if (!IsMustache(token))
        {
            return null;
        }

        if (Arguments(WildcardFunction(), token) is { } wildcard)
        {
            if (wildcard.Length == 1 && wildcard[0].Length == 0)
            {
                return Fail(token, "not enough arguments passed to the function", out error);
            }

            if (wildcard.Length > 1)
            {
                return Fail(token, "too many arguments passed to the function", out error);
            }

            return Atoi(wildcard[0].Trim(' '), out int n) ? Function(MappingFunction.Token, [n]) : Fail(token, "function argument is invalid or in the wrong format", out error);
        }

        if (Arguments(PartitionFunction(), token) is { } partition)
        {
            if (partition.Length < 2)
            {
                return Fail(token, "not enough arguments passed to the function", out error);
            }

            if (!Atoi(partition[0].Trim(' '), out int buckets))
            {
                return Fail(token, "function argument is invalid or in the wrong format", out error);
            }

            int[] positions = new int[partition.Length - 1];
            for (int i = 1; i < partition.Length; i++)
            {
                if (!Atoi(partition[i].Trim(' '), out positions[i - 1]))
                {
                    return Fail(token, "function argument is invalid or in the wrong format", out error);
                }
            }

            return Function(MappingFunction.Partition, positions) with { IntArg = buckets };
        }

        foreach ((Regex regex, MappingFunction function) in IndexIntFunctions)
        {
            if (Arguments(regex, token) is { } args)
            {
                if (args.Length != 2)
                {
                    return Fail(token, args.Length < 2 ? "not enough arguments passed to the function" : "too many arguments passed to the function", out error);
                }

                return Atoi(args[0].Trim(' '), out int index) && Atoi(args[1].Trim(' '), out int size)
                    ? Function(function, [index]) with { IntArg = size }
                    : Fail(token, "function argument is invalid or in the wrong format", out error);
            }
        }

        if (Arguments(SplitFunction(), token) is { } split)
        {
            if (split.Length != 2)
            {
                return Fail(token, split.Length < 2 ? "not enough arguments passed to the function" : "too many arguments passed to the function", out error);
            }

            if (!Atoi(split[0].Trim(' '), out int index) || split[1].Contains(' ') || split[1].Contains('.'))
            {
                return Fail(token, "function argument is invalid or in the wrong format", out error);
            }

            return Function(MappingFunction.Split, [index]) with { StringArg = Encoding.UTF8.GetBytes(split[1]) };
        }

        return Fail(token, "unknown function", out error);
    }

    private static readonly (Regex, MappingFunction)[] IndexIntFunctions =
    [
        (SplitFromLeftFunction(), MappingFunction.SplitFromLeft),
        (SplitFromRightFunction(), MappingFunction.SplitFromRight),
        (SliceFromLeftFunction(), MappingFunction.SliceFromLeft),
        (SliceFromRightFunction(), MappingFunction.SliceFromRight),
    ];

    private static Part Function(MappingFunction function, int[] positions) => new(null, 0, false) { Function = function, Positions = positions };

    private static Part? Fail(string token, string what, out string error)
    {
        error = $"{InvalidDestination}: {what} in {token}";
        return null;
    }

    private static string[]? Arguments(Regex function, string token)
    {
        Match m = function.Match(token);
        return m.Success ? ArgumentSeparator().Split(m.Groups[1].Value) : null;
    }

    // Go's strconv.Atoi: an optional sign and decimal digits, nothing else.
    private static bool Atoi(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Writes one function token (which may hold dots: splits and slices make several tokens).</summary>
    private static void ApplyFunction(in Part part, ReadOnlySpan<byte> subject, ReadOnlySpan<Range> tokens, ref byte[] buffer, ref int length)
    {
        ReadOnlySpan<byte> token = Token(subject, tokens, part.Positions![0]);
        int n = part.IntArg;
        switch (part.Function)
        {
            case MappingFunction.Token:
                Append(ref buffer, ref length, token);
                break;
            case MappingFunction.Partition:
                uint hash = 2166136261; // FNV-1a 32 over the named tokens, concatenated
                foreach (int position in part.Positions)
                {
                    foreach (byte b in Token(subject, tokens, position))
                    {
                        hash = (hash ^ b) * 16777619;
                    }
                }

                Span<byte> digits = stackalloc byte[10];
                System.Buffers.Text.Utf8Formatter.TryFormat(n > 0 ? hash % (uint)n : 0, digits, out int written);
                Append(ref buffer, ref length, digits[..written]);
                break;
            case MappingFunction.SplitFromLeft or MappingFunction.SplitFromRight:
                if (n > 0 && n < token.Length)
                {
                    int at = part.Function == MappingFunction.SplitFromLeft ? n : token.Length - n;
                    Append(ref buffer, ref length, token[..at]);
                    Append(ref buffer, ref length, "."u8);
                    Append(ref buffer, ref length, token[at..]);
                }
                else
                {
                    Append(ref buffer, ref length, token); // too short to split there
                }

                break;
            case MappingFunction.SliceFromLeft or MappingFunction.SliceFromRight:
                if (n > 0 && n < token.Length)
                {
                    // From the left the short slice is last; from the right it is first.
                    int first = part.Function == MappingFunction.SliceFromLeft ? 0 : token.Length % n;
                    if (first > 0)
                    {
                        Append(ref buffer, ref length, token[..first]);
                        Append(ref buffer, ref length, "."u8);
                    }

                    for (int i = first; i < token.Length; i += n)
                    {
                        if (i > first)
                        {
                            Append(ref buffer, ref length, "."u8);
                        }

                        Append(ref buffer, ref length, token[i..Math.Min(i + n, token.Length)]);
                    }
                }
                else
                {
                    Append(ref buffer, ref length, token);
                }

                break;
            case MappingFunction.Split:
                AppendSplit(token, part.StringArg!, ref buffer, ref length);
                break;
        }
    }

    /// <summary>Go's loop over <c>strings.Split</c>: empty pieces dropped, a dot only between pieces that are kept.</summary>
    private static void AppendSplit(ReadOnlySpan<byte> token, ReadOnlySpan<byte> delimiter, ref byte[] buffer, ref int length)
    {
        if (delimiter.IsEmpty)
        {
            for (int i = 0; i < token.Length; i++)
            {
                if (i > 0)
                {
                    Append(ref buffer, ref length, "."u8);
                }

                Append(ref buffer, ref length, token.Slice(i, 1));
            }

            return;
        }

        ReadOnlySpan<byte> rest = token;
        int j = 0;
        ReadOnlySpan<byte> piece = Next(ref rest, delimiter, out bool more);
        while (true)
        {
            Append(ref buffer, ref length, piece);
            if (!more)
            {
                return;
            }

            ReadOnlySpan<byte> next = Next(ref rest, delimiter, out bool after);
            if (!next.IsEmpty && !(j == 0 && piece.IsEmpty))
            {
                Append(ref buffer, ref length, "."u8);
            }

            piece = next;
            more = after;
            j++;
        }
    }

    private static ReadOnlySpan<byte> Next(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> delimiter, out bool more)
    {
        int at = rest.IndexOf(delimiter);
        if (at < 0)
        {
            ReadOnlySpan<byte> last = rest;
            rest = default;
            more = false;
            return last;
        }

        ReadOnlySpan<byte> piece = rest[..at];
        rest = rest[(at + delimiter.Length)..];
        more = true;
        return piece;
    }

    private static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> subject, ReadOnlySpan<Range> tokens, int position) =>
        position < tokens.Length ? subject[tokens[position]] : default;

    private static void Append(ref byte[] buffer, ref int length, ReadOnlySpan<byte> piece)
    {
        int needed = length + piece.Length;
        if (buffer.Length < needed)
        {
            Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
        }

        piece.CopyTo(buffer.AsSpan(length));
        length += piece.Length;
    }
}
