using System.Text;

namespace NatsSharp.Server.Configuration;

/// <summary>
/// Turns config text into <see cref="ConfigToken"/>s with the behaviour of nats-server 2.9.10's lexer,
/// quirks included, because operators' files were written against it:
/// <list type="bullet">
/// <item>"end of input" is the character 0, so a NUL byte in the text reads as end of input;</item>
/// <item>a lone <c>/</c> (not <c>//</c>) is skipped after a top-level value, separates array items,
///   ends a map value, is dropped from the front of a map key and ends the file at the top level;</item>
/// <item>a number followed by other characters becomes a bare string that swallows the next character
///   even if it is <c>]</c>;</item>
/// <item>a block string <c>( ... )</c> keeps its <c>)</c> when that is the last byte of the file.</item>
/// </list>
/// Lexing stops at the first error (an <see cref="ConfigTokenKind.Error"/> token) or at the end
/// (an <see cref="ConfigTokenKind.Eof"/> token). Columns are computed as nats-server does (see
/// <see cref="ConfigPosition"/>): UTF-8 bytes from the start of the line the item began on.
/// </summary>
internal sealed class ConfigLexer
{
    /// <summary>nats-server's lexer uses rune 0 for "no more input".</summary>
    private const int Eof = 0;

    private readonly string _input;
    private readonly int[] _byteOffsets;
    private readonly List<ConfigToken> _tokens = [];

    // Escaped pieces of the string being lexed, as UTF-8 bytes so "\xc3\xa9" decodes to "é" like Go's byte strings.
    private readonly List<byte> _pending = [];
    private bool _hasPending;

    private int _start;
    private int _pos;
    private int _width;
    private int _line = 1;
    private int _lineStart;      // index of the last newline read (0 on line 1)
    private int _itemLineStart;  // _lineStart when the current item began

    private ConfigLexer(string input)
    {
        _input = input;
        _byteOffsets = new int[input.Length + 1];
        for (int i = 0; i < input.Length; i++)
        {
            char c = input[i];
            int bytes = c < 0x80 ? 1
                : c < 0x800 ? 2
                : char.IsHighSurrogate(c) && i + 1 < input.Length && char.IsLowSurrogate(input[i + 1]) ? 4
                : char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(input[i - 1]) ? 0
                : 3;
            _byteOffsets[i + 1] = _byteOffsets[i] + bytes;
        }
    }

    /// <summary>Lexes the whole input; the last token is always <see cref="ConfigTokenKind.Eof"/> or an error.</summary>
    public static IReadOnlyList<ConfigToken> Tokenize(string input)
    {
        var lexer = new ConfigLexer(input);
        lexer.LexTop();
        return lexer._tokens;
    }

    // ---- top level -------------------------------------------------------------------------

    private void LexTop()
    {
        while (true)
        {
            int r = Next();
            if (IsSpace(r) || r == '{')
            {
                // Braces around the whole file are optional, so an opening one is simply skipped.
                Ignore();
                continue;
            }
            if (r == '#')
            {
                LexComment();
                continue;
            }
            if (r == '/')
            {
                if (Next() == '/')
                {
                    LexComment();
                    continue;
                }
                Backup();
                r = Eof; // nats-server treats a lone '/' here like the end of input
            }
            if (r == Eof)
            {
                EndOrUnexpectedEof();
                return;
            }
            Backup();
            if (!LexTopPair() || !LexTopValueEnd())
            {
                return;
            }
        }
    }

    private bool LexTopPair()
    {
        int r;
        while (true)
        {
            r = Peek();
            if (IsKeySeparator(r))
            {
                return Error($"Unexpected key separator '{Show(r)}'");
            }
            if (!IsSpace(r))
            {
                break;
            }
            Next();
            Ignore();
        }

        if (r == '"' || r == '\'')
        {
            Next();
            Ignore();
            while (true)
            {
                int c = Peek();
                if (c == r)
                {
                    Emit(ConfigTokenKind.Key);
                    Next();
                    Ignore();
                    break;
                }
                if (c == Eof)
                {
                    return EndOrUnexpectedEof();
                }
                Next();
            }
        }
        else
        {
            Ignore();
            Next();
            while (true)
            {
                int c = Peek();
                if (IsSpace(c))
                {
                    if (IsIncludeKeyword())
                    {
                        Ignore();
                        return LexInclude();
                    }
                    Emit(ConfigTokenKind.Key);
                    break;
                }
                if (IsKeySeparator(c) || c == Eof)
                {
                    Emit(ConfigTokenKind.Key);
                    break;
                }
                Next();
            }
        }

        // Between key and value: blanks (even newlines), then an optional ':' or '='.
        while (true)
        {
            int c = Next();
            if (IsSpace(c))
            {
                Ignore();
                continue;
            }
            if (IsKeySeparator(c))
            {
                Ignore();
                break;
            }
            if (c == Eof)
            {
                // A key with nothing after it at the end of the file is dropped.
                Emit(ConfigTokenKind.Eof);
                return false;
            }
            Backup();
            break;
        }
        return LexValue();
    }

    private bool LexTopValueEnd()
    {
        while (true)
        {
            int r = Next();
            if (r == '#')
            {
                LexComment();
                return true;
            }
            if (r == '/')
            {
                if (Next() == '/')
                {
                    LexComment();
                    return true;
                }
                Backup();
                continue; // a lone '/' is skipped like a blank
            }
            if (IsBlank(r))
            {
                continue;
            }
            if (IsNewline(r) || r == Eof || r == ';' || r == ',' || r == '}')
            {
                Ignore();
                return true;
            }
            return Error($"Expected a top-level value to end with a new line, comment or EOF, but got '{Show(r)}' instead.");
        }
    }

    // ---- values ------------------------------------------------------------------------------

    private bool LexValue()
    {
        int r;
        while (IsBlank(r = Next()))
        {
            Ignore();
        }
        switch (r)
        {
            case '[':
                Ignore();
                Emit(ConfigTokenKind.ArrayStart);
                return LexArray();
            case '{':
                Ignore();
                Emit(ConfigTokenKind.MapStart);
                return LexMap();
            case '\'':
                Ignore();
                return LexSingleQuoted();
            case '"':
                Ignore();
                return LexDoubleQuoted();
            case '-':
                return LexNegativeNumber();
            case '(':
                Ignore();
                return LexBlock();
        }
        if (IsDigit(r))
        {
            Backup();
            return LexNumber();
        }
        if (r == '.')
        {
            return Error("Floats must start with a digit");
        }
        if (IsNewline(r))
        {
            return Error("Expected value but found new line");
        }
        Backup();
        return LexBareString();
    }

    private bool LexArray()
    {
        while (true)
        {
            int r = Next();
            if (IsSpace(r))
            {
                Ignore();
                continue;
            }
            if (r == '#')
            {
                LexComment();
                continue;
            }
            if (r == '/')
            {
                if (Next() == '/')
                {
                    LexComment();
                    continue;
                }
                Backup();
                return Error("Unexpected array value terminator ','.");
            }
            if (r == ',')
            {
                return Error("Unexpected array value terminator ','.");
            }
            if (r == ']')
            {
                return EmitEnd(ConfigTokenKind.ArrayEnd);
            }
            Backup();
            if (!LexValue())
            {
                return false;
            }

            // After an item: ',' or a newline before the next one, or ']'.
            while (true)
            {
                r = Next();
                if (IsBlank(r))
                {
                    Ignore();
                    continue;
                }
                if (r == '#')
                {
                    LexComment();
                    continue;
                }
                if (r == '/')
                {
                    if (Next() == '/')
                    {
                        LexComment();
                        continue;
                    }
                    Backup();
                    r = ','; // a lone '/' separates items like a comma
                }
                if (r == ',' || IsNewline(r))
                {
                    Ignore();
                    break;
                }
                if (r == ']')
                {
                    return EmitEnd(ConfigTokenKind.ArrayEnd);
                }
                return Error($"Expected an array value terminator \",\" or an array terminator \"]\", but got '{Show(r)}' instead.");
            }
        }
    }

    private bool LexMap()
    {
        while (true)
        {
            int r = Peek();
            if (IsKeySeparator(r))
            {
                return Error($"Unexpected key separator '{Show(r)}'.");
            }
            if (r == ']')
            {
                return Error($"Unexpected array end '{Show(r)}' processing map.");
            }
            if (IsSpace(r))
            {
                Next();
                Ignore();
                continue;
            }
            if (r == '}')
            {
                Next();
                return EmitEnd(ConfigTokenKind.MapEnd);
            }
            if (r == '#')
            {
                Next();
                LexComment();
                continue;
            }

            bool quoted = false;
            if (r == '/')
            {
                Next();
                if (Next() == '/')
                {
                    LexComment();
                    continue;
                }
                Backup(); // not a comment: the '/' is dropped and the key starts after it
            }
            else if (r == '"' || r == '\'')
            {
                Next();
                Ignore();
                while (true)
                {
                    int c = Peek();
                    if (c == Eof)
                    {
                        return Error(r == '"'
                            ? "Unexpected EOF processing double quoted map key."
                            : "Unexpected EOF processing quoted map key.");
                    }
                    if (c == r)
                    {
                        Emit(ConfigTokenKind.Key);
                        Next();
                        Ignore();
                        break;
                    }
                    Next();
                }
                quoted = true;
            }
            else if (r == Eof)
            {
                return Error("Unexpected EOF processing map.");
            }

            if (!quoted)
            {
                Ignore();
                Next();
                bool include = false;
                while (true)
                {
                    int c = Peek();
                    if (c == Eof)
                    {
                        return Error("Unexpected EOF processing map key.");
                    }
                    if (IsSpace(c))
                    {
                        include = IsIncludeKeyword();
                        if (include)
                        {
                            Ignore();
                        }
                        else
                        {
                            Emit(ConfigTokenKind.Key);
                        }
                        break;
                    }
                    if (IsKeySeparator(c))
                    {
                        Emit(ConfigTokenKind.Key);
                        break;
                    }
                    Next();
                }
                if (include)
                {
                    if (!LexInclude() || !LexMapValueEnd(out bool closedAfterInclude))
                    {
                        return false;
                    }
                    if (closedAfterInclude)
                    {
                        return true;
                    }
                    continue;
                }
            }

            // Between key and value: blanks, then an optional ':' or '='.
            while (true)
            {
                int c = Next();
                if (IsSpace(c))
                {
                    Ignore();
                    continue;
                }
                if (IsKeySeparator(c))
                {
                    Ignore();
                    break;
                }
                Backup();
                break;
            }

            // Inside a map the value may even start on a later line.
            while (true)
            {
                int c = Next();
                if (IsSpace(c))
                {
                    Ignore();
                    continue;
                }
                if (c == ',')
                {
                    return Error("Unexpected map value terminator \",\".");
                }
                if (c == '}')
                {
                    // "key }": the map ends and the key is left without a value.
                    return EmitEnd(ConfigTokenKind.MapEnd);
                }
                Backup();
                break;
            }
            if (!LexValue() || !LexMapValueEnd(out bool closed))
            {
                return false;
            }
            if (closed)
            {
                return true;
            }
        }
    }

    private bool LexMapValueEnd(out bool closed)
    {
        closed = false;
        while (true)
        {
            int r = Next();
            if (IsBlank(r))
            {
                Ignore();
                continue;
            }
            if (r == '#')
            {
                LexComment();
                continue;
            }
            if (r == '/')
            {
                if (Next() == '/')
                {
                    LexComment();
                    continue;
                }
                Backup();
                r = ';'; // a lone '/' ends the value like ';'
            }
            if (r == ';' || r == ',' || IsNewline(r))
            {
                Ignore();
                return true;
            }
            if (r == '}')
            {
                closed = true;
                return EmitEnd(ConfigTokenKind.MapEnd);
            }
            return Error($"Expected a map value terminator \",\" or a map terminator \"}}\", but got '{Show(r)}' instead.");
        }
    }

    private bool LexInclude()
    {
        int r;
        while (IsBlank(r = Next()))
        {
            Ignore();
        }
        switch (r)
        {
            case '\'':
                Ignore();
                return LexQuotedInclude('\'', "Unexpected EOF in quoted include");
            case '"':
                Ignore();
                return LexQuotedInclude('"', "Unexpected EOF in double quoted include");
            case '[':
                return Error("Expected include value but found start of an array");
            case '{':
                return Error("Expected include value but found start of a map");
            case '(':
                return Error("Expected include value but found start of a block");
            case '-':
                return Error("Expected include value but found start of a number");
            case '\\':
                return Error("Expected include value but found escape sequence");
        }
        if (IsDigit(r))
        {
            return Error("Expected include value but found start of a number");
        }
        if (IsNewline(r))
        {
            return Error("Expected include value but found new line");
        }
        Backup();
        while (true)
        {
            int c = Next();
            if (IsNewline(c) || c == Eof || c == ';' || c == '}' || IsBlank(c))
            {
                Backup();
                Emit(ConfigTokenKind.Include);
                return true;
            }
            if (c == '\'')
            {
                Backup();
                Emit(ConfigTokenKind.Include);
                Next();
                Ignore();
                return true;
            }
        }
    }

    private bool LexQuotedInclude(char quote, string eofMessage)
    {
        while (true)
        {
            int c = Next();
            if (c == quote)
            {
                Backup();
                Emit(ConfigTokenKind.Include);
                Next();
                Ignore();
                return true;
            }
            if (c == Eof)
            {
                return Error(eofMessage);
            }
        }
    }

    // ---- strings -----------------------------------------------------------------------------

    private bool LexSingleQuoted()
    {
        // No escapes at all between single quotes; newlines are allowed.
        while (true)
        {
            int r = Next();
            if (r == '\'')
            {
                Backup();
                Emit(ConfigTokenKind.String);
                Next();
                Ignore();
                return true;
            }
            if (r == Eof)
            {
                return EndOrUnexpectedEof();
            }
        }
    }

    private bool LexDoubleQuoted()
    {
        while (true)
        {
            int r = Next();
            if (r == '\\')
            {
                AddCurrentPart();
                if (!LexEscape())
                {
                    return false;
                }
                continue;
            }
            if (r == '"')
            {
                Backup();
                Emit(ConfigTokenKind.String);
                Next();
                Ignore();
                return true;
            }
            if (r == Eof)
            {
                return EndOrUnexpectedEof();
            }
        }
    }

    /// <summary>An unquoted value: a string, a boolean word or a <c>$variable</c>.</summary>
    private bool LexBareString()
    {
        while (true)
        {
            int r = Next();
            if (r == '\\')
            {
                AddCurrentPart();
                if (!LexEscape())
                {
                    return false;
                }
                continue;
            }
            if (IsNewline(r) || r == Eof || r == ';' || r == ',' || r == ']' || r == '}' || IsBlank(r))
            {
                Backup();
                if (_hasPending)
                {
                    Emit(ConfigTokenKind.String);
                }
                else if (IsBoolWord())
                {
                    Emit(ConfigTokenKind.Bool);
                }
                else if (_start < _input.Length && _input[_start] == '$')
                {
                    _start++;
                    Emit(ConfigTokenKind.Variable);
                }
                else
                {
                    Emit(ConfigTokenKind.String);
                }
                return true;
            }
            if (r == '\'')
            {
                // A single quote ends a bare string and is consumed.
                Backup();
                Emit(ConfigTokenKind.String);
                Next();
                Ignore();
                return true;
            }
        }
    }

    /// <summary><c>( ... )</c>: raw text up to a <c>)</c> that starts a line and is followed by a newline or the end.</summary>
    private bool LexBlock()
    {
        while (true)
        {
            int r = Next();
            if (r == ')')
            {
                int close = _pos - 1;
                if (close > 0 && _input[close - 1] == '\n')
                {
                    if (_pos >= _input.Length)
                    {
                        Emit(ConfigTokenKind.String); // nats-server keeps the ')' in this case
                        Ignore();
                        return true;
                    }
                    char after = _input[_pos];
                    if (after == '\n' || after == '\0')
                    {
                        Backup();
                        Emit(ConfigTokenKind.String);
                        Next();
                        Ignore();
                        return true;
                    }
                }
                continue;
            }
            if (r == Eof)
            {
                return Error("Unexpected EOF processing block.");
            }
        }
    }

    private bool LexEscape()
    {
        int r = Next();
        switch (r)
        {
            case 'x':
                return LexHexEscape();
            case 't':
                AddPart("\t");
                return true;
            case 'n':
                AddPart("\n");
                return true;
            case 'r':
                AddPart("\r");
                return true;
            case '"':
                AddPart("\"");
                return true;
            case '\\':
                AddPart("\\");
                return true;
        }
        return Error($"Invalid escape character '{Show(r)}'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.");
    }

    private bool LexHexEscape()
    {
        if (IsNewline(Next()) || IsNewline(Next()))
        {
            return Error("Expected two hexadecimal digits after '\\x', but hit end of line");
        }
        // nats-server looks at the last two bytes read (not characters), so mirror that for non-ASCII input.
        int from = Math.Max(0, _pos - 4);
        byte[] tail = Encoding.UTF8.GetBytes(_input[from.._pos]);
        byte[] digits = tail[^2..];
        if (!Uri.IsHexDigit((char)digits[0]) || !Uri.IsHexDigit((char)digits[1]))
        {
            return Error($"Expected two hexadecimal digits after '\\x', but got '{Encoding.UTF8.GetString(digits)}'");
        }
        _pending.Add(Convert.ToByte(Encoding.ASCII.GetString(digits), 16));
        _hasPending = true;
        _start = _pos;
        return true;
    }

    // ---- numbers and dates -------------------------------------------------------------------

    /// <summary>Starts at a digit: an integer (maybe with a size suffix), a float, an IP-ish string, a datetime or a string.</summary>
    private bool LexNumber()
    {
        Next(); // the first digit
        while (true)
        {
            int r = Next();
            if (r == '-')
            {
                if (_byteOffsets[_pos] - _byteOffsets[_start] != 5)
                {
                    return Error("All ISO8601 dates must be in full Zulu form.");
                }
                return LexDateAfterYear();
            }
            if (IsDigit(r))
            {
                continue;
            }
            if (r == '.')
            {
                return LexFloatStart();
            }
            if (IsSizeSuffix(r))
            {
                return LexSizeSuffix();
            }
            if (!(IsNewline(r) || r == Eof || r == '}' || r == ';' || r == ',' || IsBlank(r)))
            {
                // Not a number after all (30s, nats://..., 2x): a bare string that already holds r.
                return LexBareString();
            }
            Backup();
            Emit(ConfigTokenKind.Integer);
            return true;
        }
    }

    private bool LexNegativeNumber()
    {
        int r = Next();
        if (!IsDigit(r))
        {
            return Error(r == '.' ? "Floats must start with a digit, not '.'." : $"Expected a digit but got '{Show(r)}'.");
        }
        while (true)
        {
            r = Next();
            if (IsDigit(r))
            {
                continue;
            }
            if (r == '.')
            {
                return LexFloatStart();
            }
            if (IsSizeSuffix(r))
            {
                return LexSizeSuffix();
            }
            Backup();
            Emit(ConfigTokenKind.Integer);
            return true;
        }
    }

    private bool LexSizeSuffix()
    {
        int r;
        do
        {
            r = Next();
        }
        while (r == 'b' || r == 'B' || r == 'i' || r == 'I');
        Backup();
        if (IsNewline(r) || r == Eof || r == '}' || r == ';' || r == ',' || IsBlank(r) || IsDigit(r))
        {
            Emit(ConfigTokenKind.Integer);
            return true;
        }
        return LexBareString();
    }

    private bool LexFloatStart()
    {
        int r = Next();
        if (!IsDigit(r))
        {
            return Error($"Floats must have a digit after the '.', but got '{Show(r)}' instead.");
        }
        while (true)
        {
            r = Next();
            if (IsDigit(r))
            {
                continue;
            }
            if (r == '.')
            {
                return LexIpAddress();
            }
            Backup();
            Emit(ConfigTokenKind.Float);
            return true;
        }
    }

    /// <summary>A second '.' means it was an address such as 127.0.0.1:4222 (a string).</summary>
    private bool LexIpAddress()
    {
        while (true)
        {
            int r = Next();
            if (IsDigit(r) || r == '.' || r == ':' || r == '-')
            {
                continue;
            }
            Backup();
            Emit(ConfigTokenKind.String);
            return true;
        }
    }

    private bool LexDateAfterYear()
    {
        // The year and its '-' are consumed; the rest must be exactly MM-DDTHH:MM:SSZ.
        foreach (char expected in "00-00T00:00:00Z")
        {
            int r = Next();
            if (expected == '0')
            {
                if (!IsDigit(r))
                {
                    return Error($"Expected digit in ISO8601 datetime, but found '{Show(r)}' instead.");
                }
            }
            else if (r != expected)
            {
                return Error($"Expected '{expected}' in ISO8601 datetime, but found '{Show(r)}' instead.");
            }
        }
        Emit(ConfigTokenKind.DateTime);
        return true;
    }

    // ---- comments ----------------------------------------------------------------------------

    /// <summary>Skips to the end of the line; the comment marker has been read.</summary>
    private void LexComment()
    {
        Ignore();
        while (true)
        {
            int r = Peek();
            if (IsNewline(r) || r == Eof)
            {
                Ignore();
                return;
            }
            Next();
        }
    }

    // ---- reading and emitting ----------------------------------------------------------------

    private int Next()
    {
        if (_pos >= _input.Length)
        {
            _width = 0;
            return Eof;
        }
        char c = _input[_pos];
        if (c == '\n')
        {
            _line++;
            _lineStart = _pos;
        }
        int rune;
        if (char.IsHighSurrogate(c) && _pos + 1 < _input.Length && char.IsLowSurrogate(_input[_pos + 1]))
        {
            rune = char.ConvertToUtf32(c, _input[_pos + 1]);
            _width = 2;
        }
        else
        {
            rune = char.IsSurrogate(c) ? 0xFFFD : c;
            _width = 1;
        }
        _pos += _width;
        return rune;
    }

    /// <summary>Steps back over the last character read (once per <see cref="Next"/>).</summary>
    private void Backup()
    {
        _pos -= _width;
        if (_pos < _input.Length && _input[_pos] == '\n')
        {
            _line--;
        }
    }

    private int Peek()
    {
        int r = Next();
        Backup();
        return r;
    }

    /// <summary>Drops the text read so far from the current item.</summary>
    private void Ignore()
    {
        _start = _pos;
        _itemLineStart = _lineStart;
    }

    private void AddCurrentPart()
    {
        // The backslash just read is not part of the text.
        AppendUtf8(_input.AsSpan(_start, _pos - 1 - _start));
        _hasPending = true;
        _start = _pos;
    }

    private void AddPart(string s)
    {
        AppendUtf8(s);
        _hasPending = true;
        _start = _pos;
    }

    private void AppendUtf8(ReadOnlySpan<char> text)
    {
        _pending.AddRange(Encoding.UTF8.GetBytes(text.ToArray()));
    }

    private void Emit(ConfigTokenKind kind)
    {
        string text;
        if (_hasPending)
        {
            AppendUtf8(_input.AsSpan(_start, _pos - _start));
            text = Encoding.UTF8.GetString([.. _pending]);
            _pending.Clear();
            _hasPending = false;
        }
        else
        {
            text = _input[_start.._pos];
        }
        // nats-server: end of the item, minus the start of its line, minus the item's length in bytes.
        int column = _byteOffsets[_pos] - _byteOffsets[_itemLineStart] - Encoding.UTF8.GetByteCount(text);
        _tokens.Add(new ConfigToken(kind, text, _line, column));
        _start = _pos;
        _itemLineStart = _lineStart;
    }

    private bool EmitEnd(ConfigTokenKind kind)
    {
        Ignore();
        Emit(kind);
        return true;
    }

    /// <summary>At the end of input: fine if nothing is pending, else "Unexpected EOF.".</summary>
    private bool EndOrUnexpectedEof()
    {
        if (_pos > _start)
        {
            return Error("Unexpected EOF.");
        }
        Emit(ConfigTokenKind.Eof);
        return false;
    }

    private bool Error(string message)
    {
        _tokens.Add(new ConfigToken(ConfigTokenKind.Error, message, _line, _pos - _lineStart));
        return false;
    }

    private bool IsIncludeKeyword() =>
        string.Equals(_input[_start.._pos], "include", StringComparison.OrdinalIgnoreCase);

    private bool IsBoolWord()
    {
        string word = _input[_start.._pos].ToLowerInvariant();
        return word is "true" or "false" or "on" or "off" or "yes" or "no";
    }

    /// <summary>How nats-server prints a character in messages: newline as <c>\n</c>, the rest as is.</summary>
    private static string Show(int r) => r == '\n' ? "\\n" : char.ConvertFromUtf32(r);

    private static bool IsSpace(int r) => r != Eof && Rune.IsWhiteSpace(new Rune(r));

    private static bool IsBlank(int r) => r == ' ' || r == '\t';

    private static bool IsNewline(int r) => r == '\n' || r == '\r';

    private static bool IsDigit(int r) => r != Eof && Rune.IsDigit(new Rune(r));

    private static bool IsKeySeparator(int r) => r == ':' || r == '=';

    private static bool IsSizeSuffix(int r) =>
        r is 'k' or 'K' or 'm' or 'M' or 'g' or 'G' or 't' or 'T' or 'p' or 'P' or 'e' or 'E';
}
