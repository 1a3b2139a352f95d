using System.Globalization;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// Builds a <see cref="ConfigTree"/> from the lexer's tokens, resolving <c>$variables</c> (earlier keys
/// of the enclosing blocks, inner to outer, then the environment) and <c>include</c> files (relative to
/// the including file), like nats-server 2.9.10. Every value keeps the position nats-server reports:
/// values in a block take their key's position, array items their own.
/// All failures throw <see cref="ConfigException"/> with nats-server's wording.
/// </summary>
internal sealed class ConfigParser
{
    // Go would recurse until its stack blows up; we stop well before that.
    private const int MaxNesting = 64;

    private readonly string _file;
    private readonly string _directory;
    private readonly Func<string, string?> _environment;
    private readonly int _nesting;

    // Open blocks and arrays, innermost last; each is a ConfigMap or a List<ConfigValue>.
    private readonly List<object> _contexts = [];

    // Keys waiting for their value. nats-server keeps one stack for all levels, so a key whose value is
    // dropped (e.g. "1kbib") stays behind and the next value of the block pairs with the latest key.
    private readonly List<(string Key, int Line, int Column)> _keys = [];

    private ConfigParser(string file, Func<string, string?> environment, int nesting)
    {
        _file = file;
        _directory = GoCompat.Dir(file);
        _environment = environment;
        _nesting = nesting;
    }

    /// <summary>Reads and parses a file. Positions in errors use <paramref name="path"/> as given.</summary>
    public static ConfigTree ParseFile(string path, Func<string, string?>? environment = null)
    {
        string text = GoCompat.ReadFile(path, out string? error);
        if (error is not null)
        {
            throw new ConfigException(error);
        }
        return new ConfigParser(path, environment ?? Environment.GetEnvironmentVariable, 0).Run(text);
    }

    /// <summary>
    /// Parses text. <paramref name="file"/> is only used for positions and as the base of relative
    /// include paths (the current directory when empty).
    /// </summary>
    public static ConfigTree Parse(string text, string file = "", Func<string, string?>? environment = null)
    {
        return new ConfigParser(file, environment ?? Environment.GetEnvironmentVariable, 0).Run(text);
    }

    private ConfigTree Run(string text)
    {
        var root = new ConfigMap();
        _contexts.Add(root);
        foreach (ConfigToken token in ConfigLexer.Tokenize(text))
        {
            if (token.Kind == ConfigTokenKind.Eof)
            {
                break;
            }
            Process(token);
        }
        return new ConfigTree(root, _file);
    }

    private void Process(ConfigToken token)
    {
        var position = new ConfigPosition(_file, token.Line, token.Column);
        switch (token.Kind)
        {
            case ConfigTokenKind.Error:
                throw new ConfigException($"Parse error on line {token.Line}: '{token.Text}'");
            case ConfigTokenKind.Key:
                _keys.Add((token.Text, token.Line, token.Column));
                break;
            case ConfigTokenKind.MapStart:
                _contexts.Add(new ConfigMap());
                break;
            case ConfigTokenKind.MapEnd:
                SetValue(ConfigValueKind.Map, PopContext(), position);
                break;
            case ConfigTokenKind.ArrayStart:
                _contexts.Add(new List<ConfigValue>());
                break;
            case ConfigTokenKind.ArrayEnd:
                SetValue(ConfigValueKind.Array, PopContext(), position);
                break;
            case ConfigTokenKind.String:
                SetValue(ConfigValueKind.String, token.Text, position);
                break;
            case ConfigTokenKind.Bool:
                SetValue(ConfigValueKind.Bool, token.Text.ToLowerInvariant() is "true" or "yes" or "on", position);
                break;
            case ConfigTokenKind.Integer:
                ProcessInteger(token, position);
                break;
            case ConfigTokenKind.Float:
                ProcessFloat(token, position);
                break;
            case ConfigTokenKind.DateTime:
                if (!DateTime.TryParseExact(token.Text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime when))
                {
                    throw new ConfigException($"expected Zulu formatted DateTime, but got '{token.Text}'");
                }
                SetValue(ConfigValueKind.DateTime, when, position);
                break;
            case ConfigTokenKind.Variable:
                ProcessVariable(token, position);
                break;
            case ConfigTokenKind.Include:
                ProcessInclude(token.Text);
                break;
        }
    }

    private void ProcessInteger(ConfigToken token, ConfigPosition position)
    {
        string text = token.Text;
        int digits = 0;
        while (digits < text.Length && (char.IsDigit(text[digits]) || text[digits] == '-'))
        {
            digits++;
        }
        string number = text[..digits];
        if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            bool wellFormed = number.TrimStart('-').Length > 0 && number.Skip(number.StartsWith('-') ? 1 : 0).All(char.IsAsciiDigit);
            throw new ConfigException(wellFormed
                ? $"integer '{text}' is out of the range"
                : $"expected integer, but got '{text}'");
        }

        // k/m/g/t/p/e are powers of 1000; with b, i or ib they are powers of 1024 (case-insensitive).
        long? multiplier = text[digits..].Trim().ToLowerInvariant() switch
        {
            "" => 1,
            "k" => 1000L,
            "kb" or "ki" or "kib" => 1L << 10,
            "m" => 1000L * 1000,
            "mb" or "mi" or "mib" => 1L << 20,
            "g" => 1000L * 1000 * 1000,
            "gb" or "gi" or "gib" => 1L << 30,
            "t" => 1000L * 1000 * 1000 * 1000,
            "tb" or "ti" or "tib" => 1L << 40,
            "p" => 1000L * 1000 * 1000 * 1000 * 1000,
            "pb" or "pi" or "pib" => 1L << 50,
            "e" => 1000L * 1000 * 1000 * 1000 * 1000 * 1000,
            "eb" or "ei" or "eib" => 1L << 60,
            _ => null,
        };
        if (multiplier is null)
        {
            // nats-server silently drops a value with a suffix it does not know (e.g. "1kbib").
            return;
        }
        SetValue(ConfigValueKind.Integer, unchecked(value * multiplier.Value), position);
    }

    private void ProcessFloat(ConfigToken token, ConfigPosition position)
    {
        if (!double.TryParse(token.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
                CultureInfo.InvariantCulture, out double value))
        {
            throw new ConfigException($"expected float, but got '{token.Text}'");
        }
        if (double.IsInfinity(value))
        {
            throw new ConfigException($"float '{token.Text}' is out of the range");
        }
        SetValue(ConfigValueKind.Float, value, position);
    }

    private void ProcessVariable(ConfigToken token, ConfigPosition position)
    {
        string name = token.Text;

        // Unquoted bcrypt hashes ($2a$...) look like variables but are passwords.
        if (name.StartsWith("2a$", StringComparison.Ordinal))
        {
            SetValue(ConfigValueKind.String, "$" + name, position);
            return;
        }

        for (int i = _contexts.Count - 1; i >= 0; i--)
        {
            if (_contexts[i] is ConfigMap map && map.TryGetValue(name, out ConfigValue found))
            {
                found.IsUsedVariable = true;
                SetValue(found.Kind, found.Raw, position);
                return;
            }
        }

        string? env = _environment(name);
        if (env is not null)
        {
            // Environment values are parsed as config values, so MYENV=4333 is an integer.
            ConfigTree parsed;
            try
            {
                if (_nesting >= MaxNesting)
                {
                    throw new ConfigException($"variable reference for '{name}' nests too deeply");
                }
                parsed = new ConfigParser("", _environment, _nesting + 1).Run("pk=" + env);
            }
            catch (ConfigException e)
            {
                throw new ConfigException($"variable reference for '{name}' on line {token.Line} could not be parsed: {e.Message}");
            }
            if (parsed.Root.TryGetValue("pk", out ConfigValue value))
            {
                SetValue(value.Kind, value.Raw, position);
                return;
            }
        }
        throw new ConfigException($"variable reference for '{name}' on line {token.Line} can not be found");
    }

    private void ProcessInclude(string includePath)
    {
        // Relative to the including file's directory; nats-server joins even absolute paths onto it.
        string path = GoCompat.Join(_directory, includePath);
        if (_nesting >= MaxNesting)
        {
            throw new ConfigException($"error parsing include file '{includePath}', includes nest too deeply");
        }
        string text = GoCompat.ReadFile(path, out string? error);
        if (error is not null)
        {
            throw new ConfigException($"error parsing include file '{includePath}', {error}");
        }
        ConfigTree included;
        try
        {
            // A fresh parser: the included file does not see the includer's variables.
            included = new ConfigParser(path, _environment, _nesting + 1).Run(text);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"error parsing include file '{includePath}', {e.Message}");
        }
        if (_contexts[^1] is ConfigMap target)
        {
            // The included keys join the current block and keep their own file positions.
            foreach (var entry in included.Root.Entries)
            {
                target.Set(entry.Key, entry.Value);
            }
        }
    }

    private object PopContext()
    {
        if (_contexts.Count <= 1)
        {
            throw new ConfigException("BUG in parser, context stack empty");
        }
        object last = _contexts[^1];
        _contexts.RemoveAt(_contexts.Count - 1);
        return last;
    }

    private void SetValue(ConfigValueKind kind, object raw, ConfigPosition position)
    {
        switch (_contexts[^1])
        {
            case List<ConfigValue> array:
                array.Add(new ConfigValue(kind, raw, position));
                break;
            case ConfigMap map when _keys.Count > 0:
                var (key, line, column) = _keys[^1];
                _keys.RemoveAt(_keys.Count - 1);
                map.Set(key, new ConfigValue(kind, raw, position with { Line = line, Column = column }));
                break;
        }
    }
}
