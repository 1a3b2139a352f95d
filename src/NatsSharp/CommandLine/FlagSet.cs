using System.Globalization;

namespace NatsSharp.CommandLine;

/// <summary>
/// Go-flag-style parsing, as nats-server's command line uses: one or two dashes,
/// "-p 4222", "-p=4222", "--port 4222"; booleans take no value or "=true/false".
/// Parsing stops at the first argument that is not a flag.
/// </summary>
internal sealed class FlagSet
{
    private readonly Dictionary<string, Flag> _flags = new(StringComparer.Ordinal);

    public void String(string[] names, Action<string> set) => Add(names, false, set);

    public void Int(string[] names, Action<int> set) => Add(names, false, v => set(ParseInt(v)));

    public void Long(string[] names, Action<long> set) => Add(names, false, v => set(ParseLong(v)));

    public void Bool(string[] names, Action<bool> set) => Add(names, true, v => set(ParseBool(v)));

    private void Add(string[] names, bool isBool, Action<string> apply)
    {
        var flag = new Flag(names[0], isBool, apply);
        foreach (string name in names)
        {
            _flags.Add(name, flag);
        }
    }

    /// <summary>
    /// Parses <paramref name="args"/>, calling each flag's setter in order. Returns the
    /// arguments left after the flags. Throws <see cref="FlagException"/> on a bad flag.
    /// </summary>
    public string[] Parse(string[] args)
    {
        int i = 0;
        while (i < args.Length)
        {
            string arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }

            if (arg == "--")
            {
                i++;
                break;
            }

            string body = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            if (body.Length == 0 || body[0] == '-' || body[0] == '=')
            {
                throw new FlagException($"bad flag syntax: {arg}");
            }

            string name = body;
            string? value = null;
            int eq = body.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = body[..eq];
                value = body[(eq + 1)..];
            }

            if (!_flags.TryGetValue(name, out Flag? flag))
            {
                throw new FlagException($"flag provided but not defined: -{name}", unknownFlag: true);
            }

            i++;
            if (flag.IsBool)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                if (i >= args.Length)
                {
                    throw new FlagException($"flag needs an argument: -{name}");
                }

                value = args[i++];
            }

            try
            {
                flag.Apply(value);
            }
            catch (FormatException)
            {
                throw new FlagException($"invalid value \"{value}\" for flag -{name}: parse error");
            }
        }

        return args[i..];
    }

    private static int ParseInt(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : throw new FormatException();

    private static long ParseLong(string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) ? n : throw new FormatException();

    /// <summary>Go's strconv.ParseBool: 1, t, T, TRUE, true, True and their false forms.</summary>
    private static bool ParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => throw new FormatException(),
    };

    private sealed record Flag(string Name, bool IsBool, Action<string> Apply);
}
