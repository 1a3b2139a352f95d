namespace NatsSharp.Server.Configuration;

/// <summary>What the lexer hands the parser.</summary>
internal enum ConfigTokenKind
{
    Error,
    Eof,
    Key,
    String,
    Bool,
    Integer,
    Float,
    DateTime,
    ArrayStart,
    ArrayEnd,
    MapStart,
    MapEnd,
    Variable,
    Include,
}
