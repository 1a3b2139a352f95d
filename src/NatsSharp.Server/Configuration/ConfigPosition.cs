namespace NatsSharp.Server.Configuration;

/// <summary>
/// Where a config value came from, in nats-server's own coordinates: <see cref="Line"/> is 1-based;
/// <see cref="Column"/> is the UTF-8 byte offset from the start of line 1 but from the preceding
/// newline on later lines (so a key at the start of line 1 is column 0 and on line 2 column 1).
/// Values inside a map carry the position of their key, as nats-server reports them.
/// </summary>
internal readonly record struct ConfigPosition(string File, int Line, int Column)
{
    /// <summary>The <c>file:line:col</c> prefix of mapping errors.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}";
}
